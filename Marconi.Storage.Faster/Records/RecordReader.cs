using System.Buffers.Binary;
using System.Text;

namespace Marconi.Storage.Faster.Records;

/// <summary>Reads a record written by <see cref="RecordBuffer"/>, checking every length against what is there.</summary>
internal ref struct RecordReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public RecordReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte() => Take(1)[0];

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public Guid ReadGuid() => new(Take(16));

    /// <summary>A count that must be non-negative and, at <paramref name="minBytesEach"/> bytes per item, fit in what is left.</summary>
    public int ReadCount(int minBytesEach)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * minBytesEach > _data.Length - _position)
        {
            throw new CorruptRecordException($"Record claims {count} items, more than its {_data.Length} bytes can hold.");
        }

        return count;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBlob());

    public ReadOnlySpan<byte> ReadBlob() => Take(ReadCount(1));

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw new CorruptRecordException($"Record is truncated: needs {count} bytes at offset {_position} of {_data.Length}.");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
