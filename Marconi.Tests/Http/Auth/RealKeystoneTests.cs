using System.Net;
using System.Text;
using System.Text.Json;
using Marconi.Http.Api;
using Marconi.Http.Auth;
using Marconi.Http.Hosting;
using Marconi.Tests.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Auth;

/// <summary>
/// The keystone strategy against a real Keystone (Debian's <c>keystone</c> package, sqlite, on 127.0.0.1:5000) that
/// interop/keystone/run.sh sets up and starts; test.sh runs the script first. Without it these tests fail and say so.
/// The service identity is the bootstrap admin (password from MARCONI_KEYSTONE_ADMIN_PASSWORD or run.sh's default).
/// Real token expiry is hours away, so the authenticator runs on the system clock here.
/// </summary>
public sealed class RealKeystoneTests : IAsyncLifetime
{
    private const string ClientId = "3381af92-2b9e-11e3-b191-71861300734c";
    private static readonly Uri KeystoneUrl = RealKeystone.Url;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private EngineHarness _harness = null!;

    private static string Password => RealKeystone.AdminPassword;

    public async Task InitializeAsync() => _harness = await EngineHarness.CreateAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_real_token_acts_for_its_project_and_a_bogus_one_is_401()
    {
        var (token, project) = await IssueTokenAsync();
        using var authenticator = Authenticator(TimeSpan.FromSeconds(300));
        var handler = Handler(authenticator);

        Assert.Equal(201, (await SendAsync(handler, "PUT", "/v2/queues/real", token)).Status);
        var share = await SendAsync(handler, "POST", "/v2/queues/real/share", token, "{}");
        Assert.True(share.Status == 200, share.ToString());
        Assert.Equal(project, share.Json.GetProperty("project").GetString());

        var bogus = await SendAsync(handler, "GET", "/v2/queues", token + "x");
        Assert.True(bogus.Status == 401, bogus.ToString());
        Assert.Equal("Keystone uri=\"http://127.0.0.1:5000/v3\"", bogus.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_revoked_token_is_trusted_until_its_cache_entry_expires()
    {
        var (token, _) = await IssueTokenAsync();
        using var cached = Authenticator(TimeSpan.FromSeconds(300));
        using var uncached = Authenticator(TimeSpan.Zero);
        Assert.Equal(200, (await SendAsync(Handler(cached), "GET", "/v2/queues", token)).Status);
        Assert.Equal(200, (await SendAsync(Handler(uncached), "GET", "/v2/queues", token)).Status);

        await RevokeAsync(token);

        // The cache answers without asking Keystone (the validation count stays at one); without a cache Keystone says no.
        Assert.Equal(200, (await SendAsync(Handler(cached), "GET", "/v2/queues", token)).Status);
        Assert.Equal(1, cached.KeystoneValidations);
        Assert.Equal(401, (await SendAsync(Handler(uncached), "GET", "/v2/queues", token)).Status);
    }

    private static KeystoneAuthenticator Authenticator(TimeSpan cache) => new(new KeystoneOptions
    {
        Url = KeystoneUrl,
        ServiceUser = "admin",
        ServicePassword = Password,
        ServiceProject = "admin",
        CacheDuration = cache,
    });

    private ZaqarApiHandler Handler(IAuthenticator authenticator) =>
        new(_harness.Engine, new ZaqarApiOptions { Authenticator = authenticator, SignedUrlSecretKey = "real-keystone-key" });

    /// <summary>A new project-scoped token for the admin user, and its project id.</summary>
    private Task<(string Token, string Project)> IssueTokenAsync() => RealKeystone.LoginAsync(_http, "admin", Password, "admin");

    private async Task RevokeAsync(string token)
    {
        var (admin, _) = await IssueTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(KeystoneUrl + "/auth/tokens"));
        request.Headers.Add("X-Auth-Token", admin);
        request.Headers.Add("X-Subject-Token", token);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task<ApiResponse> SendAsync(ZaqarApiHandler handler, string method, string path, string token, string? body = null)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Client-ID", ClientId), new("X-Auth-Token", token) };
        var request = new HttpRequest(method, path, string.Empty, headers, body is null ? default : Encoding.UTF8.GetBytes(body));
        var response = new HttpResponse();
        await handler.HandleAsync(request, response, CancellationToken.None);
        return new ApiResponse(response);
    }
}
