using System.Buffers;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// A verified payload read from the journal, held in a pooled buffer. Dispose it to return the buffer; the payload
/// must not be used afterwards.
/// </summary>
internal sealed class JournalEntry : IDisposable
{
    private byte[]? _array;
    private readonly int _offset;
    private readonly int _length;

    /// <summary>Takes ownership of <paramref name="array"/>, rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    /// <param name="address">The entry's logical address.</param>
    /// <param name="array">The rented array; returned to the shared pool on <see cref="Dispose"/>.</param>
    /// <param name="offset">Where the payload starts in the array.</param>
    /// <param name="length">Payload length.</param>
    public JournalEntry(long address, byte[] array, int offset, int length)
    {
        Address = address;
        _array = array;
        _offset = offset;
        _length = length;
    }

    /// <summary>The entry's logical address in the journal.</summary>
    public long Address { get; }

    /// <summary>The payload; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload
    {
        get
        {
            ObjectDisposedException.ThrowIf(_array is null, this);
            return new ReadOnlyMemory<byte>(_array, _offset, _length);
        }
    }

    /// <summary>The payload as a span; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Span => Payload.Span;

    /// <summary>Payload length in bytes.</summary>
    public int Length => _length;

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
