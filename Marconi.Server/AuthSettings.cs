namespace Marconi.Server;

/// <summary>The <c>"auth"</c> settings: which strategy authenticates requests and, for keystone, how to reach Keystone.</summary>
internal sealed record AuthSettings
{
    public const string NoAuth = "noauth";
    public const string Keystone = "keystone";
    public const int DefaultCacheSeconds = 300;
    public const int DefaultCacheMaxEntries = 10_000;
    public const int DefaultTimeoutSeconds = 5;

    /// <summary><see cref="NoAuth"/> (trust X-Project-ID) or <see cref="Keystone"/>.</summary>
    public string Strategy { get; init; } = NoAuth;

    /// <summary>The Keystone v3 endpoint (required with keystone).</summary>
    public Uri? KeystoneUrl { get; init; }

    public string? ServiceToken { get; init; }

    public string? ServiceUser { get; init; }

    public string? ServicePassword { get; init; }

    public string? ServiceProject { get; init; }

    public string ServiceDomain { get; init; } = "default";

    /// <summary>How long a validated token is trusted without asking Keystone again (0: ask every time).</summary>
    public int CacheSeconds { get; init; } = DefaultCacheSeconds;

    public int CacheMaxEntries { get; init; } = DefaultCacheMaxEntries;

    public int TimeoutSeconds { get; init; } = DefaultTimeoutSeconds;
}
