namespace Marconi.Http.Hosting;

/// <summary>A parsed HTTP/1.1 request, its body complete (chunked bodies joined, gzip bodies inflated within the limits).</summary>
public sealed class HttpRequest
{
    /// <summary>Creates a request.</summary>
    public HttpRequest(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
    }

    /// <summary>The method token, upper case as sent (GET, PUT, POST, PATCH, DELETE, HEAD, OPTIONS).</summary>
    public string Method { get; }

    /// <summary>The path, percent-decoded, without the query (always starts with '/').</summary>
    public string Path { get; }

    /// <summary>The raw query string without the leading '?', or empty.</summary>
    public string Query { get; }

    /// <summary>The header fields in arrival order; names as sent (compare case-insensitively).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body bytes (empty when none).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The first header with this name (case-insensitive), or null.</summary>
    public string? GetHeader(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
