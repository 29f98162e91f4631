using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Marconi.Load.Http;

/// <summary>
/// An incremental HTTP/1.x response parser: feed it what the connection has read, in as many pieces as it arrives,
/// until <see cref="Parse"/> answers true. It frames the body by Content-Length, chunked transfer coding, or the end
/// of the connection (HTTP/1.0 and other responses without a length), skips interim 1xx responses, and tells whether
/// the connection may carry the next request. A body is kept only when asked for. Malformed input throws a
/// <see cref="LoadHttpException"/> saying what was wrong, so a foreign server's surprise is reported, not misread.
/// </summary>
internal sealed class HttpResponseParser
{
    /// <summary>Bound on a response head (status line, fields and trailers).</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Bound on a body kept in memory.</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private const int StackLineBytes = 512;

    private enum State
    {
        StatusLine,
        Fields,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Done,
    }

    private readonly ResponseBody _body = new();
    private State _state;
    private bool _capture;
    private bool _bodiless;
    private long _headBytes;
    private long _remaining;
    private long _contentLength;
    private bool _chunked;
    private bool _otherCoding;
    private bool _close;
    private bool _keepAliveToken;

    /// <summary>The final status code (after any 1xx), once the status line is read.</summary>
    public int Status { get; private set; }

    /// <summary>The response is HTTP/1.0 (its connection closes unless it says <c>keep-alive</c>).</summary>
    public bool IsHttp10 { get; private set; }

    /// <summary>Once complete: the connection may carry another request.</summary>
    public bool KeepAlive => !_close && (!IsHttp10 || _keepAliveToken);

    /// <summary>Some byte of this response has been read (a request that failed before can safely be retried).</summary>
    public bool Started { get; private set; }

    /// <summary>The body, when <see cref="Reset"/> asked to keep it; valid until the next <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Body => _body.Memory;

    /// <summary>Gets ready for the next response; <paramref name="bodiless"/> for the answer to a HEAD request.</summary>
    public void Reset(bool keepBody, bool bodiless = false)
    {
        _capture = keepBody;
        _bodiless = bodiless;
        _body.Clear();
        Started = false;
        ResetHead();
    }

    private void ResetHead()
    {
        _state = State.StatusLine;
        Status = 0;
        IsHttp10 = false;
        _headBytes = 0;
        _remaining = 0;
        _contentLength = -1;
        _chunked = false;
        _otherCoding = false;
        _close = false;
        _keepAliveToken = false;
    }

    /// <summary>
    /// Consumes the response bytes at the start of <paramref name="buffer"/> (which is advanced past them) and answers
    /// true once the response is complete; bytes after it are left in the buffer. <paramref name="endOfStream"/>: the
    /// server closed the connection after these bytes, which completes a close-delimited body and fails anything else.
    /// </summary>
    public bool Parse(ref ReadOnlySequence<byte> buffer, bool endOfStream)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return true;
                case State.FixedBody or State.ChunkData:
                    if (!TakeBody(ref buffer))
                    {
                        return NeedMore(endOfStream);
                    }

                    _state = _state == State.FixedBody ? State.Done : State.ChunkDataEnd;
                    break;
                case State.UntilClose:
                    Keep(buffer);
                    buffer = buffer.Slice(buffer.End);
                    if (!endOfStream)
                    {
                        return false;
                    }

                    _state = State.Done;
                    break;
                default:
                    if (!TakeLine(ref buffer))
                    {
                        return NeedMore(endOfStream);
                    }

                    break;
            }
        }
    }

    private bool NeedMore(bool endOfStream)
    {
        if (!endOfStream)
        {
            return false;
        }

        var where = _state switch
        {
            State.StatusLine when !Started => "before any byte of the response",
            State.StatusLine or State.Fields => "inside the response head",
            State.FixedBody => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"with {_remaining} bytes of the body still to come"),
            _ => "inside the chunked body",
        };
        throw new LoadHttpException(LoadHttpException.ResponseEnded, "the server closed the connection " + where);
    }

    private bool TakeBody(ref ReadOnlySequence<byte> buffer)
    {
        var take = Math.Min(_remaining, buffer.Length);
        Keep(buffer.Slice(0, take));
        buffer = buffer.Slice(take);
        _remaining -= take;
        return _remaining == 0;
    }

    private void Keep(in ReadOnlySequence<byte> data)
    {
        if (!_capture || data.IsEmpty)
        {
            return;
        }

        if (_body.Length + data.Length > MaxBodyBytes)
        {
            throw Invalid(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"body above {MaxBodyBytes} bytes"));
        }

        _body.Append(data);
    }

    /// <summary>Reads one line (CRLF, or a bare LF as lenient clients accept) of the head, a chunk size or a trailer.</summary>
    private bool TakeLine(ref ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (_headBytes + buffer.Length > MaxHeadBytes)
            {
                throw Invalid(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a response head or chunk line above {MaxHeadBytes} bytes"));
            }

            Started |= !buffer.IsEmpty;
            return false;
        }

        Started = true;
        _headBytes += line.Length + 1;
        if (_headBytes > MaxHeadBytes)
        {
            throw Invalid(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a response head above {MaxHeadBytes} bytes"));
        }

        buffer = buffer.Slice(reader.Position);
        if (line.IsSingleSegment)
        {
            OnLine(TrimCr(line.FirstSpan));
        }
        else if (line.Length <= StackLineBytes)
        {
            Span<byte> copy = stackalloc byte[StackLineBytes];
            line.CopyTo(copy);
            OnLine(TrimCr(copy[..(int)line.Length]));
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
            try
            {
                line.CopyTo(rented);
                OnLine(TrimCr(rented.AsSpan(0, (int)line.Length)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return true;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.EndsWith((byte)'\r') ? line[..^1] : line;

    private void OnLine(ReadOnlySpan<byte> line)
    {
        switch (_state)
        {
            case State.StatusLine:
                // Tolerate stray blank lines before a response (some servers end a body with an extra CRLF).
                if (!line.IsEmpty)
                {
                    OnStatusLine(line);
                    _state = State.Fields;
                }

                break;
            case State.Fields:
                if (line.IsEmpty)
                {
                    OnEndOfHead();
                }
                else
                {
                    OnField(line);
                }

                break;
            case State.ChunkSize:
                OnChunkSize(line);
                break;
            case State.ChunkDataEnd:
                if (!line.IsEmpty)
                {
                    throw Invalid("chunk data not followed by CRLF");
                }

                _state = State.ChunkSize;
                break;
            default:
                if (line.IsEmpty)
                {
                    _state = State.Done;
                }

                break;
        }
    }

    /// <summary><c>HTTP/1.x SSS [reason]</c>.</summary>
    private void OnStatusLine(ReadOnlySpan<byte> line)
    {
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)line[7]) || line[8] != (byte)' ' ||
            !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var used) || used != 3 || status is < 100 or > 599 ||
            (line.Length > 12 && line[12] != (byte)' '))
        {
            throw Invalid("not an HTTP/1.x status line: " + Printable(line));
        }

        IsHttp10 = line[7] == (byte)'0';
        Status = status;
    }

    private void OnField(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
        {
            throw Invalid("malformed header field: " + Printable(line));
        }

        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0 ||
                (_contentLength >= 0 && _contentLength != length))
            {
                throw Invalid("bad Content-Length: " + Printable(value));
            }

            _contentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // Chunked must be the final coding; a response with any other final coding runs until the connection closes.
            _chunked = Ascii.EqualsIgnoreCase(LastToken(value), "chunked"u8);
            _otherCoding = !_chunked;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            foreach (var range in value.Split((byte)','))
            {
                var token = value[range].Trim(" \t"u8);
                _close |= Ascii.EqualsIgnoreCase(token, "close"u8);
                _keepAliveToken |= Ascii.EqualsIgnoreCase(token, "keep-alive"u8);
            }
        }
    }

    private void OnEndOfHead()
    {
        if (Status is >= 100 and < 200)
        {
            if (Status == 101)
            {
                throw Invalid("101 Switching Protocols: this client speaks HTTP/1.x only");
            }

            // An interim response (100 Continue, 103 Early Hints): the final one follows on the same connection.
            var started = Started;
            ResetHead();
            Started = started;
            return;
        }

        if (_bodiless || Status is 204 or 304)
        {
            _state = State.Done;
        }
        else if (_chunked)
        {
            // Transfer-Encoding wins over Content-Length; a response carrying both is suspect, so the connection is not reused.
            _close |= _contentLength >= 0;
            _state = State.ChunkSize;
        }
        else if (_contentLength >= 0 && !_otherCoding)
        {
            if (_capture && _contentLength > MaxBodyBytes)
            {
                throw Invalid(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length {_contentLength} above {MaxBodyBytes}"));
            }

            _remaining = _contentLength;
            _state = _remaining == 0 ? State.Done : State.FixedBody;
        }
        else
        {
            // No length (or a coding other than chunked): the body is everything up to the end of the connection (HTTP/1.0 servers such as wsgiref).
            _close = true;
            _state = State.UntilClose;
        }
    }

    /// <summary><c>HEX [; extensions]</c>.</summary>
    private void OnChunkSize(ReadOnlySpan<byte> line)
    {
        if (!Utf8Parser.TryParse(line, out long size, out var used, 'X') || size < 0)
        {
            throw Invalid("bad chunk size line: " + Printable(line));
        }

        var rest = line[used..].TrimStart(" \t"u8);
        if (!rest.IsEmpty && rest[0] != (byte)';')
        {
            throw Invalid("bad chunk size line: " + Printable(line));
        }

        _remaining = size;
        _state = size == 0 ? State.Trailers : State.ChunkData;
    }

    private static ReadOnlySpan<byte> LastToken(ReadOnlySpan<byte> value)
    {
        var comma = value.LastIndexOf((byte)',');
        return value[(comma + 1)..].Trim(" \t"u8);
    }

    private static LoadHttpException Invalid(string what) => new(LoadHttpException.InvalidResponse, "invalid HTTP response: " + what);

    /// <summary>At most 80 characters of the offending bytes, with anything not printable ASCII shown as '?'.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, 80)];
        Span<char> chars = stackalloc char[shown.Length];
        for (var i = 0; i < shown.Length; i++)
        {
            chars[i] = shown[i] is >= 0x20 and < 0x7f ? (char)shown[i] : '?';
        }

        return "'" + new string(chars) + (bytes.Length > shown.Length ? "...'" : "'");
    }
}
