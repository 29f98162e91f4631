namespace Marconi.Tests.Journal;

/// <summary>What a <see cref="FaultyDevice"/> does to each write while a fault is switched on.</summary>
public enum StorageFaultKind
{
    /// <summary>Writes go through.</summary>
    None,

    /// <summary>Nothing is written and the write completes with EIO.</summary>
    FailedWrite,

    /// <summary>
    /// The bytes are written and the write then completes with EIO: the durability step failed after the data reached
    /// the file, as a failed fsync on Linux (whose page-cache contents may or may not reach the disk).
    /// </summary>
    FailedFsync,

    /// <summary>
    /// A torn write: only the whole sectors of the first half are written, then the write completes with EIO. (A device
    /// that reported a short write as a success would be indistinguishable from a good one to FASTER; the per-entry
    /// checksums catch it at the next recovery.)
    /// </summary>
    ShortWrite,

    /// <summary>Nothing is written and the write completes with ENOSPC, as on a full disk.</summary>
    DiskFull,
}

/// <summary>The fault switch shared by every <see cref="FaultyDevice"/> of a store; flip <see cref="Kind"/> at run time.</summary>
internal sealed class StorageFaults
{
    /// <summary>Linux EIO.</summary>
    public const uint Eio = 5;

    /// <summary>Linux ENOSPC.</summary>
    public const uint Enospc = 28;

    private volatile StorageFaultKind _kind;
    private int _injected;

    /// <summary>The fault in force for every write from now on.</summary>
    public StorageFaultKind Kind
    {
        get => _kind;
        set => _kind = value;
    }

    /// <summary>How many writes a fault has hit so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Counts one faulted write.</summary>
    public void CountInjected() => Interlocked.Increment(ref _injected);

    /// <summary>A device factory for <c>FasterQueueStoreOptions.DeviceFactory</c>: FASTER's local device under this switch.</summary>
    public Func<string, FASTER.core.IDevice> DeviceFactory =>
        path => new FaultyDevice(FASTER.core.Devices.CreateLogDevice(path, preallocateFile: false, deleteOnClose: false), this);
}
