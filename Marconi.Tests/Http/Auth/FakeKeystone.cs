using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Marconi.Http.Hosting;
using Marconi.Http.Server;

namespace Marconi.Tests.Http.Auth;

/// <summary>
/// A Keystone-shaped HTTP server on a real loopback socket (the project's own HTTP server): <c>GET /v3/auth/tokens</c>
/// answers a token document for a known X-Subject-Token (404 otherwise, 401 for an unknown X-Auth-Token) and
/// <c>POST /v3/auth/tokens</c> logs the service user in. It counts the validations it answers.
/// Used beside the real Keystone tests because it can do what a real one cannot on demand: expire a token at a
/// chosen instant of the fake clock, issue a token without a project, and go away.
/// </summary>
internal sealed class FakeKeystone : IHttpHandler, IAsyncDisposable
{
    public const string ServiceToken = "service-token";
    public const string ServiceUser = "marconi";
    public const string ServicePassword = "service-secret";

    private readonly ConcurrentDictionary<string, (string? Project, DateTimeOffset ExpiresAt, string[] Roles)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _serviceTokens = new(StringComparer.Ordinal);
    private HttpServer? _server;
    private int _validations;
    private int _logins;

    private FakeKeystone()
    {
        _serviceTokens[ServiceToken] = 0;
    }

    /// <summary>http://127.0.0.1:PORT/v3</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>GET /v3/auth/tokens requests answered.</summary>
    public int Validations => Volatile.Read(ref _validations);

    /// <summary>POST /v3/auth/tokens requests answered.</summary>
    public int Logins => Volatile.Read(ref _logins);

    public static async Task<FakeKeystone> StartAsync()
    {
        var keystone = new FakeKeystone();
        keystone._server = new HttpServer(keystone, new HttpServerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] });
        await keystone._server.StartAsync();
        keystone.Url = new Uri($"http://127.0.0.1:{keystone._server.BoundEndpoints[0].Port}/v3");
        return keystone;
    }

    /// <summary>A token Keystone validates, with the given role names (Keystone lists them as <c>{"id", "name"}</c>).</summary>
    public void AddToken(string token, string? project, DateTimeOffset expiresAt, params string[] roles) => _tokens[token] = (project, expiresAt, roles);

    public void Revoke(string token) => _tokens.TryRemove(token, out _);

    public void RevokeServiceTokens() => _serviceTokens.Clear();

    /// <summary>Closes the socket: later calls are refused connections.</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    public ValueTask HandleAsync(HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!request.PathSpan.SequenceEqual("/v3/auth/tokens"))
        {
            Answer(response, 404, """{"error": {"code": 404, "title": "Not Found"}}""");
        }
        else if (request.Method == "POST")
        {
            Login(request, response);
        }
        else
        {
            Validate(request, response);
        }

        return ValueTask.CompletedTask;
    }

    private void Validate(HttpRequest request, HttpResponse response)
    {
        Interlocked.Increment(ref _validations);
        if (request.GetHeader("X-Auth-Token") is not { } service || !_serviceTokens.ContainsKey(service))
        {
            Answer(response, 401, """{"error": {"code": 401, "title": "Unauthorized"}}""");
            return;
        }

        if (request.GetHeader("X-Subject-Token") is not { } subject || !_tokens.TryGetValue(subject, out var token))
        {
            Answer(response, 404, """{"error": {"code": 404, "message": "Could not recognize Fernet token", "title": "Not Found"}}""");
            return;
        }

        var project = token.Project is null ? string.Empty : $$$""", "project": {"id": "{{{token.Project}}}", "name": "p", "domain": {"id": "default"}}""";
        var roles = string.Join(", ", token.Roles.Select(r => $$$"""{"id": "{{{Guid.NewGuid():N}}}", "name": "{{{r}}}"}"""));
        Answer(response, 200, $$$"""{"token": {"methods": ["password"], "roles": [{{{roles}}}], "expires_at": "{{{Iso(token.ExpiresAt)}}}"{{{project}}}}}""");
    }

    private void Login(HttpRequest request, HttpResponse response)
    {
        Interlocked.Increment(ref _logins);
        using var body = JsonDocument.Parse(request.Body);
        var password = body.RootElement.GetProperty("auth").GetProperty("identity").GetProperty("password").GetProperty("user");
        if (password.GetProperty("name").GetString() != ServiceUser || password.GetProperty("password").GetString() != ServicePassword)
        {
            Answer(response, 401, """{"error": {"code": 401, "title": "Unauthorized"}}""");
            return;
        }

        var token = "service-" + Guid.NewGuid().ToString("N");
        _serviceTokens[token] = 0;
        response.AddHeader("X-Subject-Token", token);
        Answer(response, 201, $$$"""{"token": {"methods": ["password"], "expires_at": "{{{Iso(DateTimeOffset.UtcNow.AddYears(10))}}}"}}""");
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Answer(HttpResponse response, int status, string json)
    {
        response.StatusCode = status;
        response.AddHeader("Content-Type", "application/json");
        response.Body.Write(Encoding.UTF8.GetBytes(json));
    }
}
