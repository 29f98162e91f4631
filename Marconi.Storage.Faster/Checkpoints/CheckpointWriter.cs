using System.Buffers.Binary;
using System.Text;
using Marconi.Storage.Faster.Hashing;

namespace Marconi.Storage.Faster.Checkpoints;

/// <summary>Writes little-endian fields to a file through a buffer, keeping a running CRC-32C of everything written.</summary>
internal sealed class CheckpointWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;
    private uint _crc = uint.MaxValue;

    public CheckpointWriter(string path)
    {
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
    }

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    public void WriteString(string value) => WriteBlob(Encoding.UTF8.GetBytes(value));

    public void WriteBlob(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        while (!value.IsEmpty)
        {
            var chunk = Math.Min(value.Length, _buffer.Length);
            value[..chunk].CopyTo(Reserve(chunk));
            value = value[chunk..];
        }
    }

    /// <summary>Appends the CRC of everything so far, flushes and syncs the file to disk.</summary>
    public void Complete()
    {
        Flush();
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), ~_crc);
        Flush();
        _file.Flush(flushToDisk: true);
    }

    public void Dispose() => _file.Dispose();

    private Span<byte> Reserve(int count)
    {
        if (_used + count > _buffer.Length)
        {
            Flush();
        }

        var span = _buffer.AsSpan(_used, count);
        _used += count;
        return span;
    }

    private void Flush()
    {
        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _used));
        _file.Write(_buffer, 0, _used);
        _used = 0;
    }
}
