namespace Marconi.Client;

/// <summary>Where the server is and who the client is: sent on every request.</summary>
public sealed class MarconiClientOptions
{
    /// <summary>The server's root, e.g. <c>http://127.0.0.1:8888/</c> (the API version is added by the client).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The tenant, sent as <c>X-Project-ID</c>.</summary>
    public required string ProjectId { get; init; }

    /// <summary>This client's identity, sent as <c>Client-ID</c>; listing hides its own messages unless echo is asked for.</summary>
    public Guid ClientId { get; init; } = Guid.NewGuid();

    /// <summary>A Keystone token, sent as <c>X-Auth-Token</c> when set.</summary>
    public string? AuthToken { get; init; }

    /// <summary>A pre-signed URL to act under instead of a token: its signature headers are sent on every request.</summary>
    public SignedUrl? SignedUrl { get; init; }

    /// <summary>Further headers sent on every request.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The API version path segment; only <c>v2</c> carries every operation this client offers.</summary>
    public string ApiVersion { get; init; } = "v2";

    /// <summary>
    /// Options for a holder of <paramref name="signedUrl"/> and nothing else: its project, its signature headers on
    /// every request, no token. It may call only the paths and methods the URL was signed for (others answer 404).
    /// </summary>
    public static MarconiClientOptions ForSignedUrl(Uri baseAddress, SignedUrl signedUrl)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(signedUrl);
        return new MarconiClientOptions { BaseAddress = baseAddress, ProjectId = signedUrl.Project, SignedUrl = signedUrl };
    }

    /// <summary>How failed requests are retried (see <see cref="RetryPolicy"/> for which ones are).</summary>
    public RetryPolicy Retry { get; init; } = new();
}
