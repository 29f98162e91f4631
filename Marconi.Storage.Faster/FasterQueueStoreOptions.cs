namespace Marconi.Storage.Faster;

/// <summary>Settings of a <see cref="FasterQueueStore"/>. The defaults suit a server; tests shrink the sizes.</summary>
public sealed record FasterQueueStoreOptions
{
    /// <summary>The clock of the store and of the engine on top of it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Longest delay before a write made with relaxed durability is committed. Durable writes never wait for it: a
    /// waiting writer makes the committer commit at once.
    /// </summary>
    public TimeSpan RelaxedCommitInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Log page size as a power of two (default 4 MiB). A record, so a whole post, must fit in one page.</summary>
    public int PageSizeBits { get; init; } = 22;

    /// <summary>Log memory as a power of two (default 64 MiB): recent records are read from here without disk I/O.</summary>
    public int MemorySizeBits { get; init; } = 26;

    /// <summary>Log segment file size as a power of two (default 256 MiB): space is reclaimed a segment at a time.</summary>
    public int SegmentSizeBits { get; init; } = 28;

    /// <summary>How often expired messages and claims are dropped from memory and maintenance runs.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest time between index checkpoints while the log grows (bounds restart time).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Log growth that triggers an index checkpoint before <see cref="CheckpointInterval"/> has passed.</summary>
    public long CheckpointLogBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Longest wait between two attempts to recover from a storage fault (default 1 s). The first attempt is made at
    /// once, then the wait doubles from 25 ms up to this.
    /// </summary>
    public TimeSpan StorageRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Creates the log's segment device from the base path of its files; null is FASTER's local file device. Tests inject faults here.</summary>
    internal Func<string, FASTER.core.IDevice>? DeviceFactory { get; init; }
}
