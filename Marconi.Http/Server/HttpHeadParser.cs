using System.Buffers;

namespace Marconi.Http.Server;

/// <summary>
/// Parses a request line and header block line by line, keeping its place between reads so a head that arrives
/// a byte at a time costs no more than one that arrives whole. Reuse it through <see cref="Reset"/>.
/// </summary>
internal sealed class HttpHeadParser
{
    private readonly HttpServerOptions _options;
    private readonly RequestHead _head = new();
    private bool _sawRequestLine;
    private bool _isHttp11;
    private int _headerBytes;

    public HttpHeadParser(HttpServerOptions options) => _options = options;

    /// <summary>Forgets the previous request so the next one can be parsed (the head object is reused).</summary>
    public void Reset()
    {
        _sawRequestLine = false;
        _headerBytes = 0;
    }

    /// <summary>
    /// Consumes every complete line in <paramref name="reader"/>; returns the head once its empty line has arrived. The
    /// head is this parser's own, valid until the next <see cref="Reset"/>.
    /// Throws <see cref="BadHttpRequestException"/> (400 or 431) for a malformed or oversize head.
    /// </summary>
    public RequestHead? Parse(ref SequenceReader<byte> reader)
    {
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                CheckIncompleteSize(reader.Remaining);
                return null;
            }

            // Lines are at most MaxRequestLineSize/MaxRequestHeadersTotalSize long, so copying one is cheap and bounded.
            var size = checked((int)line.Length + 1);
            var span = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            if (span.IsEmpty || span[^1] != (byte)'\r')
            {
                BadHttpRequestException.BadRequest("A line ends with a bare LF; HTTP requires CRLF.");
            }

            span = span[..^1];
            if (span.IndexOf((byte)'\r') >= 0)
            {
                BadHttpRequestException.BadRequest("A line contains a bare CR.");
            }

            if (!_sawRequestLine)
            {
                if (size > _options.MaxRequestLineSize)
                {
                    BadHttpRequestException.HeadersTooLarge("The request line is too long.");
                }

                ParseRequestLine(span);
                continue;
            }

            _headerBytes += size;
            if (_headerBytes > _options.MaxRequestHeadersTotalSize)
            {
                BadHttpRequestException.HeadersTooLarge("The request headers are too large.");
            }

            if (span.IsEmpty)
            {
                return BuildHead();
            }

            if (_head.Request.HeaderCount >= _options.MaxRequestHeaderCount)
            {
                BadHttpRequestException.HeadersTooLarge("The request has too many header fields.");
            }

            ParseHeaderLine(span, _head.Request);
        }
    }

    private void CheckIncompleteSize(long pending)
    {
        if (!_sawRequestLine)
        {
            if (pending >= _options.MaxRequestLineSize)
            {
                BadHttpRequestException.HeadersTooLarge("The request line is too long.");
            }
        }
        else if (_headerBytes + pending >= _options.MaxRequestHeadersTotalSize)
        {
            BadHttpRequestException.HeadersTooLarge("The request headers are too large.");
        }
    }

    private void ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0)
        {
            BadHttpRequestException.BadRequest("The request line is malformed.");
        }

        var method = line[..firstSpace];
        if (!HttpSyntax.IsToken(method))
        {
            BadHttpRequestException.BadRequest("The request method is not a token.");
        }

        var rest = line[(firstSpace + 1)..];
        var secondSpace = rest.IndexOf((byte)' ');
        if (secondSpace <= 0)
        {
            BadHttpRequestException.BadRequest("The request line is malformed.");
        }

        var target = rest[..secondSpace];
        var version = rest[(secondSpace + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            _isHttp11 = true;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            _isHttp11 = false;
        }
        else if (version.StartsWith("HTTP/"u8) && version.IndexOf((byte)' ') < 0)
        {
            BadHttpRequestException.Throw(505, "Only HTTP/1.1 and HTTP/1.0 are supported.");
        }
        else
        {
            BadHttpRequestException.BadRequest("The request line is malformed.");
        }

        // Only origin-form ("/path?query") is meaningful to an origin server that is not a proxy.
        if (target[0] != (byte)'/')
        {
            BadHttpRequestException.BadRequest("The request target must be a path (origin-form).");
        }

        foreach (var b in target)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                BadHttpRequestException.BadRequest("The request target contains an invalid character.");
            }
        }

        var question = target.IndexOf((byte)'?');
        var rawPath = question < 0 ? target : target[..question];
        var request = _head.Request;
        request.Reset(HttpMethods.Intern(method));
        PathDecoder.DecodeInto(rawPath, request);
        request.EndPath();
        if (question >= 0)
        {
            // Checked above: every target byte is printable ASCII.
            request.AppendLatin1(target[(question + 1)..]);
        }

        request.EndQuery();
        _sawRequestLine = true;
    }

    private static void ParseHeaderLine(ReadOnlySpan<byte> line, Hosting.HttpRequest request)
    {
        // obs-fold continued a value on the next line; RFC 9112 lets a server reject it, and accepting it invites smuggling.
        if (HttpSyntax.IsWhitespace(line[0]))
        {
            BadHttpRequestException.BadRequest("Header line folding (obs-fold) is not allowed.");
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            BadHttpRequestException.BadRequest("A header line has no name or no colon.");
        }

        var name = line[..colon];
        if (HttpSyntax.IsWhitespace(name[^1]))
        {
            BadHttpRequestException.BadRequest("Whitespace between a header name and its colon is not allowed.");
        }

        if (!HttpSyntax.IsToken(name))
        {
            BadHttpRequestException.BadRequest("A header name contains an invalid character.");
        }

        var value = line[(colon + 1)..];
        var start = 0;
        var end = value.Length;
        while (start < end && HttpSyntax.IsWhitespace(value[start]))
        {
            start++;
        }

        while (end > start && HttpSyntax.IsWhitespace(value[end - 1]))
        {
            end--;
        }

        value = value[start..end];
        foreach (var b in value)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
            {
                BadHttpRequestException.BadRequest("A header value contains a control character.");
            }
        }

        var nameStart = request.Length;
        request.AppendLatin1(name);
        var valueStart = request.Length;
        request.AppendLatin1(value);
        request.EndField(nameStart, valueStart);
    }

    private RequestHead BuildHead()
    {
        var request = _head.Request;
        var hostCount = 0;
        var hostInvalid = false;
        long? contentLength = null;
        var sawTransferEncoding = false;
        var transferCodings = 0;
        var lastCodingChunked = false;
        var connectionClose = false;
        var connectionKeepAlive = false;
        var expectContinue = false;
        var gzipBody = false;
        var acceptsGzip = false;

        for (var i = 0; i < request.HeaderCount; i++)
        {
            var name = request.HeaderName(i);
            var value = request.HeaderValue(i);
            if (Is(name, "Host"))
            {
                hostInvalid |= value.IndexOfAny(" /?#@") >= 0;
                hostCount++;
            }
            else if (Is(name, "Content-Length"))
            {
                // Even an identical repeat is refused, as Kestrel does: an intermediary may have merged or dropped one.
                if (contentLength is not null)
                {
                    BadHttpRequestException.BadRequest("The request has more than one Content-Length header.");
                }

                contentLength = ParseContentLength(value);
            }
            else if (Is(name, "Transfer-Encoding"))
            {
                // Several fields are one list (RFC 9110 §5.3): count the codings and remember the last.
                foreach (var range in value.Split(','))
                {
                    var coding = value[range].Trim();
                    if (!coding.IsEmpty)
                    {
                        transferCodings++;
                        lastCodingChunked = Is(coding, "chunked");
                    }
                }

                sawTransferEncoding = true;
            }
            else if (Is(name, "Connection"))
            {
                foreach (var range in value.Split(','))
                {
                    var option = value[range].Trim();
                    connectionClose |= Is(option, "close");
                    connectionKeepAlive |= Is(option, "keep-alive");
                }
            }
            else if (Is(name, "Expect"))
            {
                if (!Is(value, "100-continue"))
                {
                    BadHttpRequestException.Throw(417, "Only the 100-continue expectation is supported.");
                }

                expectContinue = true;
            }
            else if (Is(name, "Content-Encoding"))
            {
                gzipBody |= ParseContentEncoding(value);
            }
            else if (Is(name, "Accept-Encoding"))
            {
                acceptsGzip |= AcceptsGzip(value);
            }
        }

        if (_isHttp11 && hostCount == 0)
        {
            BadHttpRequestException.BadRequest("HTTP/1.1 requests must carry a Host header.");
        }

        if (hostCount > 1 || hostInvalid)
        {
            BadHttpRequestException.BadRequest("The Host header is invalid.");
        }

        var chunked = false;
        if (sawTransferEncoding)
        {
            // Both framings at once is the classic request-smuggling vector (RFC 9112 §6.1): refuse it outright.
            if (contentLength is not null)
            {
                BadHttpRequestException.BadRequest("Content-Length and Transfer-Encoding cannot both be sent.");
            }

            // RFC 9112 §6.1: HTTP/1.0 has no transfer codings, so Transfer-Encoding there means the framing is faulty.
            if (!_isHttp11)
            {
                BadHttpRequestException.BadRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request.");
            }

            chunked = CheckTransferEncoding(transferCodings, lastCodingChunked);
        }

        var head = _head;
        head.IsHttp11 = _isHttp11;
        head.ContentLength = contentLength;
        head.IsChunked = chunked;
        head.KeepAlive = _isHttp11 ? !connectionClose : connectionKeepAlive && !connectionClose;
        head.ExpectContinue = expectContinue && _isHttp11;
        head.GzipBody = gzipBody;
        head.AcceptsGzip = acceptsGzip;
        return head;
    }

    private static bool Is(ReadOnlySpan<char> a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);

    private static long ParseContentLength(ReadOnlySpan<char> value)
    {
        // Digits only: no sign, no list, no whitespace inside; 18 digits keep the value inside a long.
        if (value.Length is 0 or > 18)
        {
            BadHttpRequestException.BadRequest("The Content-Length header is invalid.");
        }

        long length = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                BadHttpRequestException.BadRequest("The Content-Length header is invalid.");
            }

            length = (length * 10) + (c - '0');
        }

        return length;
    }

    /// <summary>Returns true (chunked); 400 when chunked is not the final coding, 501 for any other coding before it.</summary>
    private static bool CheckTransferEncoding(int codings, bool lastChunked)
    {
        if (codings == 0 || !lastChunked)
        {
            BadHttpRequestException.BadRequest("The final transfer coding must be chunked.");
        }

        if (codings > 1)
        {
            BadHttpRequestException.Throw(501, "Transfer codings other than chunked are not supported.");
        }

        return true;
    }

    private static bool ParseContentEncoding(ReadOnlySpan<char> value)
    {
        var gzip = false;
        foreach (var range in value.Split(','))
        {
            var coding = value[range].Trim();
            if (coding.IsEmpty)
            {
                continue;
            }

            if (Is(coding, "gzip") || Is(coding, "x-gzip"))
            {
                if (gzip)
                {
                    BadHttpRequestException.Throw(415, "Only one gzip content coding is supported.");
                }

                gzip = true;
            }
            else if (!Is(coding, "identity"))
            {
                BadHttpRequestException.Throw(415, "Only gzip request bodies are supported.");
            }
        }

        return gzip;
    }

    private static bool AcceptsGzip(ReadOnlySpan<char> value)
    {
        foreach (var range in value.Split(','))
        {
            var element = value[range].Trim();
            if (element.IsEmpty)
            {
                continue;
            }

            var semicolon = element.IndexOf(';');
            var coding = (semicolon < 0 ? element : element[..semicolon]).Trim();
            if (!Is(coding, "gzip") && coding is not "*")
            {
                continue;
            }

            var refused = false;
            if (semicolon >= 0)
            {
                var parameters = element[(semicolon + 1)..];
                foreach (var parameter in parameters.Split(';'))
                {
                    refused |= IsZeroQuality(parameters[parameter].Trim());
                }
            }

            if (!refused)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a parameter is q=0 (up to three zero decimals), spaces anywhere ignored.</summary>
    private static bool IsZeroQuality(ReadOnlySpan<char> parameter)
    {
        Span<char> compact = stackalloc char[8];
        var length = 0;
        foreach (var c in parameter)
        {
            if (c == ' ')
            {
                continue;
            }

            if (length == compact.Length)
            {
                return false;
            }

            compact[length++] = c;
        }

        return compact[..length] is "q=0" or "q=0.0" or "q=0.00" or "q=0.000";
    }
}
