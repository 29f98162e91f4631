using System.Text.Json;

namespace Marconi.Load;

/// <summary>
/// The hrefs a worker took from a response (claimed messages, or a page's next link), as UTF-8 bytes in one buffer it
/// reuses: they must outlive the response buffer, which the next request overwrites.
/// </summary>
internal sealed class HrefList
{
    private readonly List<(int Start, int Length)> _ranges = [];
    private byte[] _bytes = new byte[1024];
    private int _length;

    public int Count => _ranges.Count;

    public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_ranges[index].Start, _ranges[index].Length);

    public void Clear()
    {
        _ranges.Clear();
        _length = 0;
    }

    /// <summary>Adds the string token the reader is on, unescaped.</summary>
    public void Add(ref Utf8JsonReader reader)
    {
        var most = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (_length + most > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_length + most, _bytes.Length * 2));
        }

        var written = reader.CopyString(_bytes.AsSpan(_length));
        _ranges.Add((_length, written));
        _length += written;
    }

    public void RemoveLast()
    {
        var last = _ranges[^1];
        _ranges.RemoveAt(_ranges.Count - 1);
        _length = last.Start;
    }
}
