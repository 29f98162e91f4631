using System.Buffers;

namespace Marconi.Load.Http;

/// <summary>A growable byte buffer a connection reuses for every response body it keeps (valid until the next one).</summary>
internal sealed class ResponseBody
{
    private byte[] _bytes = new byte[4096];
    private int _length;

    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, _length);

    public int Length => _length;

    public void Clear() => _length = 0;

    public void Append(in ReadOnlySequence<byte> data)
    {
        var needed = _length + (int)data.Length;
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(needed, _bytes.Length * 2));
        }

        data.CopyTo(_bytes.AsSpan(_length));
        _length = needed;
    }
}
