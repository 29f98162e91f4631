using Marconi.Http.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Http.Auth;

/// <summary>
/// The <c>keystone</c> strategy: the request's X-Auth-Token is validated against Keystone v3 and the request acts for
/// the token's project (and is an admin when the token's roles include <c>admin</c>). Validations are cached until min(<see cref="KeystoneOptions.CacheDuration"/>, the token's
/// <c>expires_at</c>) — Zaqar's "auth caching" — so a token revoked in Keystone keeps working here until its entry
/// expires. Failures are not cached: every request with a bad token asks Keystone again (no lock-out of a token that
/// becomes valid, at the price of a Keystone call per bad request). Keystone unreachable, slow or refusing the service
/// credentials is a 503, never a 401: the client's token may be fine.
/// </summary>
public sealed class KeystoneAuthenticator : IAuthenticator, IDisposable
{
    private const string Unauthorized = "Unauthorized";

    private readonly KeystoneOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeystoneClient _client;
    private readonly TokenCache _cache;
    private long _keystoneValidations;

    /// <summary>Creates the authenticator; it opens no connection until the first request.</summary>
    /// <param name="options">Where Keystone is and how to call it.</param>
    /// <param name="time">The clock of token expiry and the cache; the system clock when null.</param>
    /// <param name="logger">Receives a warning whenever Keystone cannot be asked.</param>
    public KeystoneAuthenticator(KeystoneOptions options, TimeProvider? time = null, ILogger<KeystoneAuthenticator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ServiceToken is null && (options.ServiceUser is null || options.ServicePassword is null || options.ServiceProject is null))
        {
            throw new ArgumentException("Keystone needs a service token, or a service user, password and project.", nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _client = new KeystoneClient(options, _time, _logger);
        _cache = new TokenCache(options.CacheMaxEntries);
    }

    /// <summary>How many tokens were sent to Keystone for validation (cache misses), for tests and diagnostics.</summary>
    public long KeystoneValidations => Interlocked.Read(ref _keystoneValidations);

    /// <inheritdoc />
    public ValueTask<AuthResult> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.TryGetHeader("X-Auth-Token", out var token) || token.IsWhiteSpace())
        {
            return new(Fail("The request you have made requires authentication: the X-Auth-Token header is missing."));
        }

        // The cached path makes no string and no task.
        if (_cache.TryGet(token, _time.GetUtcNow(), out var project, out var isAdmin))
        {
            return new(AuthResult.ForProject(project, isAdmin));
        }

        return new(ValidateAsync(new string(token), cancellationToken));
    }

    /// <summary>Closes the connections to Keystone.</summary>
    public void Dispose() => _client.Dispose();

    private async Task<AuthResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _keystoneValidations);
        var validation = await _client.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        switch (validation.Status)
        {
            case TokenStatus.Valid:
                var now = _time.GetUtcNow();
                if (_options.CacheDuration > TimeSpan.Zero)
                {
                    var until = now + _options.CacheDuration;
                    _cache.Add(token, validation.Project!, validation.IsAdmin, until < validation.ExpiresAt ? until : validation.ExpiresAt, now);
                }

                return AuthResult.ForProject(validation.Project!, validation.IsAdmin);
            case TokenStatus.Invalid:
                return Fail(validation.Reason);
            default:
                KeystoneLog.Unavailable(_logger, validation.Reason);
                return AuthResult.Fail(
                    503,
                    "Service temporarily unavailable",
                    "The identity service could not validate the token. Please try again in a few seconds.");
        }
    }

    private AuthResult Fail(string description) => AuthResult.Fail(401, Unauthorized, description, _options.Challenge);
}
