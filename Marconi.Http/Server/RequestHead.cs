using Marconi.Http.Hosting;

namespace Marconi.Http.Server;

/// <summary>
/// A parsed, validated request line and header block: everything needed to read the body and frame the answer. One
/// per connection, filled again for every request; the request line and fields live in <see cref="Request"/>.
/// </summary>
internal sealed class RequestHead
{
    /// <summary>The request the handler sees (method, path, query, header fields; the body is set once read).</summary>
    public HttpRequest Request { get; } = new();

    public bool IsHttp11 { get; set; }

    /// <summary>The declared body length, or null when the body is chunked or absent.</summary>
    public long? ContentLength { get; set; }

    public bool IsChunked { get; set; }

    /// <summary>Whether the client wants the connection kept open after this exchange.</summary>
    public bool KeepAlive { get; set; }

    public bool ExpectContinue { get; set; }

    /// <summary>Whether the body is gzip-encoded (Content-Encoding: gzip) and must be inflated.</summary>
    public bool GzipBody { get; set; }

    /// <summary>Whether Accept-Encoding lets the answer be gzipped.</summary>
    public bool AcceptsGzip { get; set; }

    public string Method => Request.Method;

    public string Path => Request.Path;

    public bool IsHead => string.Equals(Request.Method, HttpMethods.Head, StringComparison.Ordinal);

    public bool HasBody => IsChunked || ContentLength > 0;
}
