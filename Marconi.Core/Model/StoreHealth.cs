namespace Marconi.Core.Model;

/// <summary>Whether a store serves requests.</summary>
public enum StoreStatus
{
    /// <summary>Reads and writes are served.</summary>
    Ok,

    /// <summary>Writes are refused (the store is rebuilding after a storage fault, or its server does not answer).</summary>
    Unavailable,
}

/// <summary>How recent commits (or round trips, for a remote store) performed, over the last <see cref="Samples"/> of them.</summary>
/// <param name="Samples">How many commits the figures cover (at most the window's size).</param>
/// <param name="LastSeconds">The most recent one.</param>
/// <param name="AverageSeconds">Their mean.</param>
/// <param name="P99Seconds">Their 99th percentile (nearest rank).</param>
/// <param name="MaxSeconds">The slowest.</param>
public sealed record CommitLatency(int Samples, double LastSeconds, double AverageSeconds, double P99Seconds, double MaxSeconds);

/// <summary>
/// What a store reports about itself for <c>/health</c>: its status and, where it knows them, its size on disk, the free
/// space left there and how long its recent commits took. Unknown figures are null.
/// </summary>
public sealed record StoreHealth
{
    /// <summary>The kind of store: <c>faster</c>, <c>redis</c>, ...</summary>
    public required string Backend { get; init; }

    /// <summary>Whether it serves requests.</summary>
    public required StoreStatus Status { get; init; }

    /// <summary>A short reason when <see cref="Status"/> is not <see cref="StoreStatus.Ok"/>.</summary>
    public string? Detail { get; init; }

    /// <summary>Bytes of the log between its begin and tail addresses (what recovery and compaction deal with).</summary>
    public long? LogSizeBytes { get; init; }

    /// <summary>Bytes of all the store's files on disk.</summary>
    public long? DiskBytes { get; init; }

    /// <summary>Free bytes, for an unprivileged user, on the file system holding the store's directory.</summary>
    public long? FreeDiskBytes { get; init; }

    /// <summary>Recent commit (or round-trip) durations.</summary>
    public CommitLatency? CommitLatency { get; init; }
}
