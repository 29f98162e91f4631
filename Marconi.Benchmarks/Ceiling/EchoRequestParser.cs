using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Marconi.Benchmarks.Ceiling;

/// <summary>What the echo server needs from one request head: the body's length and whether to close afterwards.</summary>
internal readonly record struct EchoHead(long ContentLength, bool Close);

/// <summary>A request the echo server refuses (answered 400, then the connection is closed).</summary>
internal sealed class EchoBadRequestException(string message) : Exception(message);

/// <summary>
/// Parses an HTTP/1.1 request head just far enough to frame the request: the request line's shape and version, and
/// the Content-Length, Transfer-Encoding and Connection fields. The head may arrive in any number of reads, and a
/// read may hold several pipelined requests, so it works on a <see cref="ReadOnlySequence{T}"/> and reports where the
/// head ended; nothing is allocated.
/// </summary>
internal static class EchoRequestParser
{
    /// <summary>Kestrel's default bound on a request head.</summary>
    public const int MaxHeadBytes = 32 * 1024;

    /// <summary>Bodies above this are refused: the ceiling is measured with small ones.</summary>
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// True with the head and the position after its blank line when <paramref name="buffer"/> holds a whole head;
    /// false when more bytes are needed. Throws <see cref="EchoBadRequestException"/> on a malformed head.
    /// </summary>
    public static bool TryParse(in ReadOnlySequence<byte> buffer, Span<byte> scratch, out EchoHead head, out SequencePosition end)
    {
        head = default;
        end = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> requestLine, "\r\n"u8))
        {
            ThrowIfTooLong(buffer.Length);
            return false;
        }

        var http10 = ParseRequestLine(Flatten(requestLine, scratch));
        long contentLength = -1;
        var close = http10;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
            {
                ThrowIfTooLong(buffer.Length);
                return false;
            }

            if (line.IsEmpty)
            {
                break;
            }

            var field = Flatten(line, scratch);
            var colon = field.IndexOf((byte)':');
            if (colon <= 0 || field[colon - 1] is (byte)' ' or (byte)'\t' || field[0] is (byte)' ' or (byte)'\t')
            {
                throw new EchoBadRequestException("malformed header field");
            }

            var name = field[..colon];
            var value = field[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0 ||
                    (contentLength >= 0 && contentLength != length))
                {
                    throw new EchoBadRequestException("bad Content-Length");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // A ceiling for Content-Length bodies: chunked framing is not echoed (and must not be misread as none).
                throw new EchoBadRequestException("Transfer-Encoding is not supported by the echo server");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                if (HasToken(value, "close"u8))
                {
                    close = true;
                }
                else if (http10 && HasToken(value, "keep-alive"u8))
                {
                    close = false;
                }
            }
        }

        if (reader.Consumed > MaxHeadBytes)
        {
            throw new EchoBadRequestException("request head too large");
        }

        if (contentLength > MaxBodyBytes)
        {
            throw new EchoBadRequestException("body too large");
        }

        head = new EchoHead(Math.Max(contentLength, 0), close);
        end = reader.Position;
        return true;
    }

    /// <summary>Checks <c>METHOD SP target SP HTTP/1.x</c>; true for HTTP/1.0 (closes unless asked to keep alive).</summary>
    private static bool ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            throw new EchoBadRequestException("malformed request line");
        }

        var version = line[(lastSpace + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            return false;
        }

        if (version.SequenceEqual("HTTP/1.0"u8))
        {
            return true;
        }

        throw new EchoBadRequestException("unsupported HTTP version");
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<byte> Flatten(in ReadOnlySequence<byte> line, Span<byte> scratch)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan;
        }

        if (line.Length > scratch.Length)
        {
            throw new EchoBadRequestException("request head too large");
        }

        line.CopyTo(scratch);
        return scratch[..(int)line.Length];
    }

    private static void ThrowIfTooLong(long buffered)
    {
        if (buffered > MaxHeadBytes)
        {
            throw new EchoBadRequestException("request head too large");
        }
    }
}
