namespace Marconi.Http.Auth;

/// <summary>
/// How the <c>keystone</c> strategy reaches Keystone v3 and how long it trusts a validation. The service identity that
/// calls <c>GET /v3/auth/tokens</c> is either a fixed <see cref="ServiceToken"/> or a user whose password gets a
/// project-scoped token (renewed before it expires); the user needs Keystone's permission to validate other users'
/// tokens (the <c>admin</c> or <c>service</c> role).
/// </summary>
public sealed record KeystoneOptions
{
    /// <summary>The Keystone v3 endpoint, for example <c>http://127.0.0.1:5000/v3</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>A token sent as X-Auth-Token when validating; when null the service user's password gets one.</summary>
    public string? ServiceToken { get; init; }

    /// <summary>The service user's name (with <see cref="ServicePassword"/> and <see cref="ServiceProject"/>).</summary>
    public string? ServiceUser { get; init; }

    /// <summary>The service user's password.</summary>
    public string? ServicePassword { get; init; }

    /// <summary>The project the service token is scoped to.</summary>
    public string? ServiceProject { get; init; }

    /// <summary>The domain of the service user and project; Keystone's <c>default</c> by default.</summary>
    public string ServiceDomain { get; init; } = "default";

    /// <summary>How long a successful validation is reused (never past the token's expiry); zero disables the cache.</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>The most validations kept; a full cache drops its expired entries, then everything if still full.</summary>
    public int CacheMaxEntries { get; init; } = 10_000;

    /// <summary>How long one call to Keystone may take before the request is answered 503.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>WWW-Authenticate</c> value of a 401, as keystonemiddleware sends it.</summary>
    public string Challenge => $"Keystone uri=\"{Url.OriginalString}\"";
}
