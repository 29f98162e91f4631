namespace Marconi.Http.Server;

/// <summary>A parsed, validated request line and header block: everything needed to read the body and frame the answer.</summary>
internal sealed class RequestHead
{
    public required string Method { get; init; }

    /// <summary>The percent-decoded path (starts with '/').</summary>
    public required string Path { get; init; }

    /// <summary>The raw query without '?', or empty.</summary>
    public required string Query { get; init; }

    public required bool IsHttp11 { get; init; }

    public required List<KeyValuePair<string, string>> Headers { get; init; }

    /// <summary>The declared body length, or null when the body is chunked or absent.</summary>
    public long? ContentLength { get; init; }

    public bool IsChunked { get; init; }

    /// <summary>Whether the client wants the connection kept open after this exchange.</summary>
    public bool KeepAlive { get; init; }

    public bool ExpectContinue { get; init; }

    /// <summary>Whether the body is gzip-encoded (Content-Encoding: gzip) and must be inflated.</summary>
    public bool GzipBody { get; init; }

    /// <summary>Whether Accept-Encoding lets the answer be gzipped.</summary>
    public bool AcceptsGzip { get; init; }

    public bool IsHead => Method == "HEAD";

    public bool HasBody => IsChunked || ContentLength > 0;
}
