using FASTER.core;

namespace Marconi.Tests.Journal;

/// <summary>
/// Wraps FASTER's local device and injects storage faults: the per-device switches below, or the
/// <see cref="StorageFaults"/> shared by every device a store creates (a store reopening its log after a fault
/// creates a new device, and the fault must persist across that).
/// </summary>
/// <remarks>
/// FASTER's <see cref="IDevice"/> has no flush call and no notion of a short write: the local device on Linux opens its
/// files O_SYNC, so a completed write is a durable write, and a completion reports only an error code. The fault kinds
/// are therefore expressed in what a write does before it completes (see <see cref="StorageFaultKind"/>).
/// </remarks>
internal sealed class FaultyDevice(IDevice inner, StorageFaults? faults = null) : IDevice
{
    /// <summary>Completes every write with an I/O error code (EIO), as a failing disk would.</summary>
    public volatile bool FailWrites;

    /// <summary>Throws from every read request.</summary>
    public volatile bool ThrowOnReads;

    public uint SectorSize => inner.SectorSize;

    public string FileName => inner.FileName;

    public long Capacity => inner.Capacity;

    public long SegmentSize => inner.SegmentSize;

    public int StartSegment => inner.StartSegment;

    public int EndSegment => inner.EndSegment;

    public int ThrottleLimit
    {
        get => inner.ThrottleLimit;
        set => inner.ThrottleLimit = value;
    }

    public void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
        => inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);

    public bool TryComplete() => inner.TryComplete();

    public bool Throttle() => inner.Throttle();

    public void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
        => Write(numBytesToWrite, callback, context, (length, done) => inner.WriteAsync(sourceAddress, segmentId, destinationAddress, length, done, context));

    public void WriteAsync(IntPtr alignedSourceAddress, ulong alignedDestinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
        => Write(numBytesToWrite, callback, context, (length, done) => inner.WriteAsync(alignedSourceAddress, alignedDestinationAddress, length, done, context));

    public void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context)
    {
        ThrowIfReadsFail();
        inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);
    }

    public void ReadAsync(ulong alignedSourceAddress, IntPtr alignedDestinationAddress, uint aligned_read_length, DeviceIOCompletionCallback callback, object context)
    {
        ThrowIfReadsFail();
        inner.ReadAsync(alignedSourceAddress, alignedDestinationAddress, aligned_read_length, callback, context);
    }

    public void TruncateUntilAddressAsync(long toAddress, AsyncCallback callback, IAsyncResult result) => inner.TruncateUntilAddressAsync(toAddress, callback, result);

    public void TruncateUntilAddress(long toAddress) => inner.TruncateUntilAddress(toAddress);

    public void TruncateUntilSegmentAsync(int toSegment, AsyncCallback callback, IAsyncResult result) => inner.TruncateUntilSegmentAsync(toSegment, callback, result);

    public void TruncateUntilSegment(int toSegment) => inner.TruncateUntilSegment(toSegment);

    public void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) => inner.RemoveSegmentAsync(segment, callback, result);

    public void RemoveSegment(int segment) => inner.RemoveSegment(segment);

    public long GetFileSize(int segment) => inner.GetFileSize(segment);

    public void Reset() => inner.Reset();

    public void Dispose() => inner.Dispose();

    /// <summary>Runs one write under the fault in force; <paramref name="write"/> writes that many leading bytes.</summary>
    private void Write(uint length, DeviceIOCompletionCallback callback, object context, Action<uint, DeviceIOCompletionCallback> write)
    {
        var kind = FailWrites ? StorageFaultKind.FailedWrite : faults?.Kind ?? StorageFaultKind.None;
        switch (kind)
        {
            case StorageFaultKind.None:
                write(length, callback);
                return;
            case StorageFaultKind.FailedWrite or StorageFaultKind.DiskFull:
                faults?.CountInjected();
                var code = kind == StorageFaultKind.DiskFull ? StorageFaults.Enospc : StorageFaults.Eio;
                ThreadPool.QueueUserWorkItem(_ => callback(code, 0, context));
                return;
            case StorageFaultKind.FailedFsync:
                // The bytes reach the file, then the device reports that it could not make them durable.
                faults?.CountInjected();
                write(length, (error, written, state) => callback(error != 0 ? error : StorageFaults.Eio, written, state));
                return;
            case StorageFaultKind.ShortWrite:
                faults?.CountInjected();
                var torn = length / 2 / SectorSize * SectorSize;
                if (torn == 0)
                {
                    ThreadPool.QueueUserWorkItem(_ => callback(StorageFaults.Eio, 0, context));
                    return;
                }

                // Whole sectors of the first half land, the rest never does, and the write completes with EIO.
                write(torn, (error, written, state) => callback(error != 0 ? error : StorageFaults.Eio, written, state));
                return;
            default:
                throw new InvalidOperationException($"Unknown fault {kind}.");
        }
    }

    private void ThrowIfReadsFail()
    {
        if (ThrowOnReads)
        {
            throw new IOException("Injected read failure.");
        }
    }
}
