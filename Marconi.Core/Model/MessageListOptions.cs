namespace Marconi.Core.Model;

/// <summary>What a message listing returns.</summary>
public sealed record MessageListOptions
{
    /// <summary>Return messages after this one (an id from a previous page); null starts at the oldest.</summary>
    public string? Marker { get; init; }

    /// <summary>Page size; null takes the default (10).</summary>
    public int? Limit { get; init; }

    /// <summary>Include messages posted by the caller's own client id.</summary>
    public bool Echo { get; init; }

    /// <summary>Include messages held by a live claim.</summary>
    public bool IncludeClaimed { get; init; }

    /// <summary>Include messages whose delay has not yet passed.</summary>
    public bool IncludeDelayed { get; init; }
}
