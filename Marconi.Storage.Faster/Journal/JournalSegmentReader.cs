using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Win32.SafeHandles;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// Reads committed entries straight from the local device's segment files with <c>pread</c> on the caller's thread.
/// </summary>
/// <remarks>
/// <para>
/// FASTER's random read queues the device read to the thread pool and hands the result back through a semaphore:
/// two thread hops and a dozen allocations for what the page cache answers in microseconds. Entries older than the
/// <see cref="JournalTailCache"/> (the head of a deep queue) are read here instead; a read that blocks on a cold disk
/// blocks the caller's pool thread, as FASTER's would have blocked another.
/// </para>
/// <para>
/// Only committed addresses are read, and FASTER acknowledges a commit once the bytes are written to the segment file,
/// so the file holds them. An entry is <c>[8-byte XOR checksum][4-byte length][our frame][padding]</c>; the frame's
/// CRC decides whether it is served, and anything unexpected (a missing file, a short read, a failed check) returns
/// false so the caller falls back to FASTER's read and its error reporting. Handles of segments below the log's begin
/// are closed when the log is truncated, so FASTER's deletion of those files frees their space.
/// </para>
/// </remarks>
internal sealed class JournalSegmentReader : IDisposable
{
    /// <summary>One read of this size fetches most entries whole; longer ones take a second read.</summary>
    private const int FirstReadSize = 4096;

    private readonly string _basePath;
    private readonly int _segmentSizeBits;
    private readonly long _segmentMask;
    private readonly ConcurrentDictionary<long, SafeFileHandle> _segments = new();
    private readonly Lock _closing = new();

    // Segments below this one were truncated: never opened again.
    private long _lowestOpen;
    private volatile bool _disposed;

    /// <summary>Reads the segment files <c>basePath.N</c> (FASTER's local device naming) of <c>2^segmentSizeBits</c> bytes.</summary>
    public JournalSegmentReader(string basePath, int segmentSizeBits)
    {
        _basePath = basePath;
        _segmentSizeBits = segmentSizeBits;
        _segmentMask = (1L << segmentSizeBits) - 1;
    }

    /// <summary>The verified payload of the committed entry at <paramref name="address"/>; false to fall back to FASTER.</summary>
    public bool TryRead(long address, int maxPayloadSize, [NotNullWhen(true)] out JournalEntry? entry)
    {
        entry = null;
        var handle = Segment(address >> _segmentSizeBits);
        if (handle is null)
        {
            return false;
        }

        var offset = address & _segmentMask;
        var array = ArrayPool<byte>.Shared.Rent(FirstReadSize);
        try
        {
            var read = RandomAccess.Read(handle, array.AsSpan(0, FirstReadSize), offset);
            if (read < JournalFrame.FasterEntryHeaderSize + JournalFrame.HeaderSize)
            {
                return Miss(array);
            }

            var frameLength = BinaryPrimitives.ReadInt32LittleEndian(array.AsSpan(8));
            if (frameLength < JournalFrame.HeaderSize || frameLength > JournalFrame.HeaderSize + maxPayloadSize)
            {
                return Miss(array);
            }

            var entryLength = JournalFrame.FasterEntryHeaderSize + frameLength;
            if (entryLength > read)
            {
                ArrayPool<byte>.Shared.Return(array);
                array = ArrayPool<byte>.Shared.Rent(entryLength);
                if (RandomAccess.Read(handle, array.AsSpan(0, entryLength), offset) != entryLength)
                {
                    return Miss(array);
                }
            }

            if (!JournalFrame.TryVerify(array.AsSpan(JournalFrame.FasterEntryHeaderSize, frameLength), out var payloadLength, out _))
            {
                return Miss(array);
            }

            entry = new JournalEntry(address, array, JournalFrame.FasterEntryHeaderSize + JournalFrame.HeaderSize, payloadLength);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return Miss(array);
        }
    }

    /// <summary>Closes every segment handle.</summary>
    public void Dispose()
    {
        lock (_closing)
        {
            _disposed = true;
            foreach (var handle in _segments.Values)
            {
                handle.Dispose();
            }

            _segments.Clear();
        }
    }

    private static bool Miss(byte[] array)
    {
        ArrayPool<byte>.Shared.Return(array);
        return false;
    }

    private SafeFileHandle? Segment(long segment)
    {
        // Below the last truncation the segment is deleted or about to be: FASTER reads it until then.
        if (segment < Volatile.Read(ref _lowestOpen) || _disposed)
        {
            return null;
        }

        if (_segments.TryGetValue(segment, out var handle))
        {
            return handle;
        }

        lock (_closing)
        {
            if (_disposed || segment < _lowestOpen || _segments.TryGetValue(segment, out handle))
            {
                return handle;
            }

            try
            {
                handle = File.OpenHandle($"{_basePath}.{segment}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            _segments[segment] = handle;
            return handle;
        }
    }

    /// <summary>
    /// Closes the handles of the segments wholly below <paramref name="address"/> and opens none of them again; called
    /// when the log is truncated there, so FASTER's deletion of those files frees their space at once.
    /// </summary>
    public void CloseBelow(long address)
    {
        var lowest = address >> _segmentSizeBits;
        lock (_closing)
        {
            if (lowest <= _lowestOpen)
            {
                return;
            }

            foreach (var (segment, handle) in _segments)
            {
                if (segment < lowest && _segments.TryRemove(segment, out _))
                {
                    // A read holding this handle sees ObjectDisposedException and falls back to FASTER, which refuses
                    // a truncated address.
                    handle.Dispose();
                }
            }

            Volatile.Write(ref _lowestOpen, lowest);
        }
    }
}
