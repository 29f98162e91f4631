using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Marconi.Storage.Faster.Records;

/// <summary>Builds one log record in a pooled buffer (little-endian, length-prefixed strings and blobs).</summary>
internal sealed class RecordBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public RecordBuffer(int capacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value) => GetSpan(1)[0] = value;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(GetSpan(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(GetSpan(8), value);

    public void WriteGuid(Guid value) => value.TryWriteBytes(GetSpan(16));

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        Encoding.UTF8.GetBytes(value, GetSpan(count));
    }

    public void WriteBlob(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(GetSpan(value.Length));
    }

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill; the length grows by count.</summary>
    public Span<byte> GetSpan(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Overwrites an 8-byte field written earlier (sequences are assigned only under the queue lock).</summary>
    public void PatchInt64(int offset, long value) => BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(offset, 8), value);

    /// <summary>Overwrites a 4-byte field written earlier.</summary>
    public void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(offset, 4), value);

    /// <summary>Gives up <paramref name="count"/> bytes reserved but not used.</summary>
    public void Shrink(int count) => _length -= count;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
