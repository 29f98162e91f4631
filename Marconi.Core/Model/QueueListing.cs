namespace Marconi.Core.Model;

/// <summary>What a queue listing returns.</summary>
public sealed record QueueListOptions
{
    /// <summary>Return queues whose names sort after this one; null starts at the first.</summary>
    public string? Marker { get; init; }

    /// <summary>Page size; null takes the default (10).</summary>
    public int? Limit { get; init; }

    /// <summary>Only queues whose names start with this prefix.</summary>
    public string? NamePrefix { get; init; }

    /// <summary>Include each queue's metadata.</summary>
    public bool Detailed { get; init; }

    /// <summary>Also count all queues matching the filter.</summary>
    public bool WithCount { get; init; }
}

/// <summary>A queue in a listing.</summary>
/// <param name="Name">The queue name.</param>
/// <param name="Metadata">The stored metadata JSON when the listing was detailed, else empty.</param>
public sealed record QueueSummary(string Name, ReadOnlyMemory<byte> Metadata);

/// <summary>One page of a queue listing, sorted by name.</summary>
/// <param name="Queues">The queues of this page.</param>
/// <param name="NextMarker">The marker of the next page (the last name here), or null when the page is empty.</param>
/// <param name="Count">How many queues match the filter in all, when asked for.</param>
public sealed record QueuePage(IReadOnlyList<QueueSummary> Queues, string? NextMarker, long? Count);
