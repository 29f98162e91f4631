using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FASTER.core;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// A copy of the most recently appended entries, so reading a recent message is a memory copy instead of a device
/// read.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FasterLog.ReadAsync(long, MemoryPool{byte}, int, CancellationToken)"/> always reads through the device,
/// even an entry still in the log's in-memory pages: a pread served by the page cache on a pool thread, then a
/// semaphore hand-off back, per read. Listing, claiming and getting messages mostly read the newest entries, so
/// this cache keeps them.
/// </para>
/// <para>
/// It mirrors the log's address space modulo its size, as FASTER's own circular page buffer does: the entry at address
/// A is copied to A mod size, so concurrent appenders write disjoint ranges without a lock. A read of A is served
/// when A was appended by this process (at or after the tail at open) and, checked again after copying, the log's
/// tail has not passed A + size: an entry that could overlap A's bytes would have been reserved past that point.
/// An entry is copied before its address is returned to the appender, and readers learn addresses only from there.
/// </para>
/// </remarks>
internal sealed class JournalTailCache
{
    /// <summary>The largest cache, as a power of two (256 MiB); a journal with larger pages reads through FASTER only.</summary>
    private const int MaxSizeBits = 28;

    private readonly FasterLog _log;
    private readonly byte[] _ring;
    private readonly long _mask;
    private readonly long _floor;

    private JournalTailCache(FasterLog log, int sizeBits)
    {
        _log = log;
        _ring = GC.AllocateUninitializedArray<byte>(1 << sizeBits);
        _mask = _ring.Length - 1;
        _floor = log.TailAddress;
    }

    /// <summary>
    /// A cache of a quarter of the log's memory, at least one page (so every entry fits); null when that would exceed
    /// <see cref="MaxSizeBits"/>.
    /// </summary>
    public static JournalTailCache? Create(FasterLog log, FasterJournalOptions options)
    {
        var sizeBits = Math.Max(options.MemorySizeBits - 2, options.PageSizeBits);
        return sizeBits > MaxSizeBits ? null : new JournalTailCache(log, sizeBits);
    }

    /// <summary>Copies the frame just appended at <paramref name="address"/>; call before handing the address out.</summary>
    public void Add(long address, ReadOnlySpan<byte> frame)
    {
        var start = (int)(address & _mask);
        var head = Math.Min(frame.Length, _ring.Length - start);
        frame[..head].CopyTo(_ring.AsSpan(start));
        frame[head..].CopyTo(_ring);
    }

    /// <summary>The verified payload of the entry at <paramref name="address"/>, when the cache still holds it.</summary>
    public bool TryRead(long address, int maxPayloadSize, [NotNullWhen(true)] out JournalEntry? entry)
    {
        entry = null;
        if (address < _floor || !StillHeld(address))
        {
            return false;
        }

        Span<byte> header = stackalloc byte[JournalFrame.HeaderSize];
        CopyOut(address, header);
        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (payloadLength < 0 || payloadLength > maxPayloadSize)
        {
            return false;
        }

        var frameLength = JournalFrame.HeaderSize + payloadLength;
        var array = ArrayPool<byte>.Shared.Rent(frameLength);
        var frame = array.AsSpan(0, frameLength);
        CopyOut(address, frame);

        // The copy above must be complete before the tail is read again (loads may not move past the barrier).
        Interlocked.MemoryBarrier();
        if (!StillHeld(address) || !JournalFrame.TryVerify(frame, out payloadLength, out _))
        {
            // Overwritten while copying: read it from the log instead.
            ArrayPool<byte>.Shared.Return(array);
            return false;
        }

        entry = new JournalEntry(address, array, JournalFrame.HeaderSize, payloadLength);
        return true;
    }

    private bool StillHeld(long address) => _log.TailAddress <= address + _ring.Length;

    private void CopyOut(long address, Span<byte> destination)
    {
        var start = (int)(address & _mask);
        var head = Math.Min(destination.Length, _ring.Length - start);
        _ring.AsSpan(start, head).CopyTo(destination);
        _ring.AsSpan(0, destination.Length - head).CopyTo(destination[head..]);
    }
}
