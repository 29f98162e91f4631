using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Marconi.Load;

/// <summary>
/// A producer's POST body, rewritten in place for every request:
/// <c>{"messages":[{"ttl":3600,"body":{"p":P,"n":N,"pad":"..."}},...]}</c>, each message body about the requested size.
/// </summary>
internal sealed class PostBody
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly byte[] _pad;
    private readonly int _messageSize;

    /// <param name="pad">Random letters and digits, at least <paramref name="messageSize"/> long.</param>
    public PostBody(byte[] pad, int messageSize, int batch)
    {
        _pad = pad;
        _messageSize = messageSize;
        _buffer = new ArrayBufferWriter<byte>((messageSize + 48) * batch + 16);
    }

    /// <summary>Random letters and digits, so a body does not compress to nothing (our store LZ4-compresses bodies).</summary>
    public static byte[] RandomPad(int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return Encoding.ASCII.GetBytes(RandomNumberGenerator.GetString(Alphabet, length));
    }

    /// <summary>The body of <paramref name="batch"/> messages numbered from <paramref name="sequence"/>; valid until the next call.</summary>
    public ReadOnlySpan<byte> Write(int producer, long sequence, int batch)
    {
        _buffer.ResetWrittenCount();
        Append("{\"messages\":["u8);
        for (var m = 0; m < batch; m++)
        {
            if (m > 0)
            {
                Append(","u8);
            }

            Append("{\"ttl\":3600,\"body\":"u8);
            var bodyStart = _buffer.WrittenCount;
            Append("{\"p\":"u8);
            Number(producer);
            Append(",\"n\":"u8);
            Number(sequence + m);
            Append(",\"pad\":\""u8);
            var padLength = Math.Max(0, _messageSize - (_buffer.WrittenCount - bodyStart) - 2);
            Append(_pad.AsSpan(0, Math.Min(padLength, _pad.Length)));
            Append("\"}}"u8);
        }

        Append("]}"u8);
        return _buffer.WrittenSpan;
    }

    private void Append(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void Number(long value)
    {
        Utf8Formatter.TryFormat(value, _buffer.GetSpan(20), out var written);
        _buffer.Advance(written);
    }
}
