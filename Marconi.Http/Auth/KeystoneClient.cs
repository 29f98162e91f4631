using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Marconi.Http.Auth;

/// <summary>
/// The two Keystone v3 calls the <c>keystone</c> strategy makes: <c>GET /v3/auth/tokens</c> to validate a client's token
/// (X-Auth-Token: the service token, X-Subject-Token: the client's), and <c>POST /v3/auth/tokens</c> to get the service
/// token from the service user's password when no fixed one is configured.
/// </summary>
internal sealed class KeystoneClient : IDisposable
{
    // A service token is renewed this long before Keystone says it expires, so a validation never races its expiry.
    private static readonly TimeSpan RenewMargin = TimeSpan.FromSeconds(60);

    private readonly KeystoneOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _tokensUri;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _serviceTokenLock = new(1, 1);
    private volatile ServiceToken? _serviceToken;

    public KeystoneClient(KeystoneOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Timeout };
        var root = options.Url.OriginalString.EndsWith('/') ? options.Url : new Uri(options.Url.OriginalString + "/");
        _tokensUri = new Uri(root, "auth/tokens");
        if (options.ServiceToken is { } fixedToken)
        {
            _serviceToken = new ServiceToken(fixedToken, DateTimeOffset.MaxValue, Fixed: true);
        }
    }

    public async Task<TokenValidation> ValidateAsync(string subjectToken, CancellationToken cancellationToken)
    {
        try
        {
            // Two rounds: a rejected password-based service token is renewed once (Keystone may have revoked it).
            for (var round = 0; ; round++)
            {
                var service = await GetServiceTokenAsync(cancellationToken).ConfigureAwait(false);
                if (service is null)
                {
                    return TokenValidation.Unavailable("Keystone refused the service credentials.");
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, _tokensUri);
                request.Headers.TryAddWithoutValidation("X-Auth-Token", service.Token);
                request.Headers.TryAddWithoutValidation("X-Subject-Token", subjectToken);
                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        return Read(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
                    case HttpStatusCode.NotFound:
                        return TokenValidation.Invalid("The token is invalid or has expired.");
                    case HttpStatusCode.Unauthorized when !service.Fixed && round == 0:
                        _serviceToken = null;
                        continue;
                    default:
                        return TokenValidation.Unavailable(string.Create(CultureInfo.InvariantCulture, $"Keystone answered {(int)response.StatusCode} to the validation."));
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return TokenValidation.Unavailable(ex is OperationCanceledException ? "Keystone did not answer in time." : ex.Message);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _serviceTokenLock.Dispose();
    }

    private TokenValidation Read(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Keystone's validation has no token object.");
        }

        if (!token.TryGetProperty("expires_at", out var expiresValue) || expiresValue.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(expiresValue.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiresAt))
        {
            throw new JsonException("Keystone's validation has no readable expires_at.");
        }

        if (expiresAt <= _time.GetUtcNow())
        {
            return TokenValidation.Invalid("The token has expired.");
        }

        if (!token.TryGetProperty("project", out var project) || project.ValueKind != JsonValueKind.Object
            || !project.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
        {
            return TokenValidation.Invalid("The token is not scoped to a project.");
        }

        return TokenValidation.Valid(id.GetString()!, expiresAt, HasAdminRole(token));
    }

    /// <summary>True when the token's <c>roles</c> (Keystone v3: <c>[{"id", "name"}]</c>) include <c>admin</c>.</summary>
    private static bool HasAdminRole(JsonElement token)
    {
        if (!token.TryGetProperty("roles", out var roles) || roles.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var role in roles.EnumerateArray())
        {
            if (role.ValueKind == JsonValueKind.Object && role.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                && string.Equals(name.GetString(), AdminGate.AdminRole, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The fixed service token, or a cached or new password-based one; null when Keystone refused the password.</summary>
    private async Task<ServiceToken?> GetServiceTokenAsync(CancellationToken cancellationToken)
    {
        var current = _serviceToken;
        if (current is not null && (current.Fixed || _time.GetUtcNow() < current.ExpiresAt - RenewMargin))
        {
            return current;
        }

        await _serviceTokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _serviceToken;
            if (current is not null && _time.GetUtcNow() < current.ExpiresAt - RenewMargin)
            {
                return current;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, _tokensUri) { Content = PasswordBody() };
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.OK)
            {
                throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"Keystone answered {(int)response.StatusCode} to the service login."));
            }

            var token = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.FirstOrDefault() : null;
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            var expiresText = document.RootElement.GetProperty("token").GetProperty("expires_at").GetString();
            if (string.IsNullOrEmpty(token) || !DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiresAt))
            {
                throw new JsonException("Keystone's service login has no X-Subject-Token or expires_at.");
            }

            current = new ServiceToken(token, expiresAt, Fixed: false);
            _serviceToken = current;
            KeystoneLog.ServiceToken(_logger, _options.ServiceUser!, expiresAt);
            return current;
        }
        finally
        {
            _serviceTokenLock.Release();
        }
    }

    private StringContent PasswordBody()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("auth");
            writer.WriteStartObject("identity");
            writer.WriteStartArray("methods");
            writer.WriteStringValue("password");
            writer.WriteEndArray();
            writer.WriteStartObject("password");
            writer.WriteStartObject("user");
            writer.WriteString("name", _options.ServiceUser);
            WriteDomain(writer);
            writer.WriteString("password", _options.ServicePassword);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("scope");
            writer.WriteStartObject("project");
            writer.WriteString("name", _options.ServiceProject);
            WriteDomain(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var content = new StringContent(Encoding.UTF8.GetString(buffer.ToArray()), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private void WriteDomain(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("domain");
        writer.WriteString("id", _options.ServiceDomain);
        writer.WriteEndObject();
    }

    private sealed record ServiceToken(string Token, DateTimeOffset ExpiresAt, bool Fixed);
}
