using System.Buffers;
using System.Globalization;

namespace Marconi.Http.Api;

/// <summary>
/// Builds an href or a header value in a caller's (stack) buffer, so writing one into JSON makes no string; it moves
/// to a pooled array only when the buffer is too small.
/// </summary>
internal ref struct HrefBuilder
{
    private Span<char> _buffer;
    private char[]? _rented;
    private int _length;

    public HrefBuilder(Span<char> buffer)
    {
        _buffer = buffer;
        _rented = null;
        _length = 0;
    }

    /// <summary>What has been written.</summary>
    public readonly ReadOnlySpan<char> Written => _buffer[.._length];

    public void Append(ReadOnlySpan<char> text)
    {
        Grow(text.Length);
        text.CopyTo(_buffer[_length..]);
        _length += text.Length;
    }

    public void Append(char c)
    {
        Grow(1);
        _buffer[_length++] = c;
    }

    public void Append(int value)
    {
        Grow(11);
        value.TryFormat(_buffer[_length..], out var written, provider: CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Appends <paramref name="text"/> percent-encoded as a URI data string (as <see cref="Uri.EscapeDataString(string)"/>).</summary>
    public void AppendEscaped(ReadOnlySpan<char> text)
    {
        // One UTF-16 character is at most three UTF-8 bytes, each escaped as "%XX".
        Grow(text.Length * 9);
        if (!Uri.TryEscapeDataString(text, _buffer[_length..], out var written))
        {
            throw new InvalidOperationException("The escaped text did not fit the buffer.");
        }

        _length += written;
    }

    public override readonly string ToString() => new(Written);

    /// <summary>Returns the pooled array, if one was taken.</summary>
    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
            _rented = null;
        }
    }

    private void Grow(int more)
    {
        if (_buffer.Length - _length >= more)
        {
            return;
        }

        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer[.._length].CopyTo(larger);
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
        }

        _rented = larger;
        _buffer = larger;
    }
}
