using System.Text;
using Marconi.Http.Api;
using Marconi.Http.Auth;
using Marconi.Http.Hosting;
using Marconi.Tests.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Auth;

/// <summary>
/// The keystone strategy through the Zaqar API handler, against <see cref="FakeKeystone"/> on a loopback socket: the
/// token's project, 401s with Keystone's challenge, 503 when Keystone is gone, the validation cache, the X-Project-ID
/// rule and pre-signed URLs beside tokens. The engine's fake clock (2030-01-15T12:00Z) drives expiry and the cache.
/// </summary>
public sealed class KeystoneAuthTests : IAsyncLifetime
{
    private const string ClientId = "3381af92-2b9e-11e3-b191-71861300734c";
    private const string TokenA = "token-a";
    private const string TokenB = "token-b";
    private const string ProjectA = "0123456789abcdef0123456789abcdef";
    private const string ProjectB = "fedcba9876543210fedcba9876543210";
    private const string SignedUrlKey = "keystone-test-key";

    private EngineHarness _harness = null!;
    private FakeKeystone _keystone = null!;
    private KeystoneAuthenticator _authenticator = null!;
    private ZaqarApiHandler _handler = null!;

    private DateTimeOffset Now => _harness.Clock.GetUtcNow();

    public async Task InitializeAsync()
    {
        _harness = await EngineHarness.CreateAsync();
        _keystone = await FakeKeystone.StartAsync();
        _keystone.AddToken(TokenA, ProjectA, Now.AddHours(1));
        _keystone.AddToken(TokenB, ProjectB, Now.AddHours(1));
        Use(new KeystoneOptions { Url = _keystone.Url, ServiceToken = FakeKeystone.ServiceToken, CacheDuration = TimeSpan.FromSeconds(300) });
    }

    public async Task DisposeAsync()
    {
        _authenticator.Dispose();
        await _keystone.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_token_acts_for_its_project()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/mine", TokenA)).Status);

        // The share document names the project the request acted for.
        var share = await SendAsync("POST", "/v2/queues/mine/share", TokenA, body: "{}");
        Assert.True(share.Status == 200, share.ToString());
        Assert.Equal(ProjectA, share.Json.GetProperty("project").GetString());

        // Another project's token does not see the queue; the same token does.
        Assert.DoesNotContain("mine", (await SendAsync("GET", "/v2/queues", TokenB)).Text, StringComparison.Ordinal);
        Assert.Contains("mine", (await SendAsync("GET", "/v2/queues", TokenA)).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-such-token")]
    public async Task A_missing_or_unknown_token_is_401_with_keystones_challenge(string? token)
    {
        var response = await SendAsync("GET", "/v2/queues", token);

        AssertUnauthorized(response);
    }

    [Fact]
    public async Task An_expired_token_is_401_and_a_cached_one_stops_at_its_expiry()
    {
        _keystone.AddToken("expired", ProjectA, Now.AddSeconds(-1));
        AssertUnauthorized(await SendAsync("GET", "/v2/queues", "expired"));

        // Cached for min(300 s, expires_at): 60 s here.
        _keystone.AddToken("short", ProjectA, Now.AddSeconds(60));
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", "short")).Status);
        _harness.AdvanceSeconds(61);
        AssertUnauthorized(await SendAsync("GET", "/v2/queues", "short"));
        Assert.Equal(3, _keystone.Validations);
    }

    [Fact]
    public async Task A_token_without_a_project_is_401()
    {
        _keystone.AddToken("unscoped", null, Now.AddHours(1));

        var response = await SendAsync("GET", "/v2/queues", "unscoped");

        Assert.Contains("not scoped to a project", AssertUnauthorized(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keystone_unreachable_is_503_not_401()
    {
        await _keystone.StopAsync();

        var response = await SendAsync("GET", "/v2/queues", TokenA);

        Assert.True(response.Status == 503, response.ToString());
        Assert.Null(response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Refused_service_credentials_are_503()
    {
        _keystone.RevokeServiceTokens();

        var response = await SendAsync("GET", "/v2/queues", TokenA);

        Assert.True(response.Status == 503, response.ToString());
    }

    [Fact]
    public async Task A_validation_is_cached_until_cache_seconds_and_failures_are_not()
    {
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
        Assert.Equal(1, _keystone.Validations);

        // Revoked in Keystone, still trusted here until the entry expires: the documented price of the cache.
        _keystone.Revoke(TokenA);
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
        Assert.Equal(1, _keystone.Validations);
        _harness.AdvanceSeconds(301);
        AssertUnauthorized(await SendAsync("GET", "/v2/queues", TokenA));
        Assert.Equal(2, _keystone.Validations);

        AssertUnauthorized(await SendAsync("GET", "/v2/queues", TokenA));
        Assert.Equal(3, _keystone.Validations);
    }

    [Fact]
    public async Task Cache_seconds_zero_asks_keystone_every_time()
    {
        Use(new KeystoneOptions { Url = _keystone.Url, ServiceToken = FakeKeystone.ServiceToken, CacheDuration = TimeSpan.Zero });

        await SendAsync("GET", "/v2/queues", TokenA);
        await SendAsync("GET", "/v2/queues", TokenA);

        Assert.Equal(2, _keystone.Validations);
        Assert.Equal(2, _authenticator.KeystoneValidations);
    }

    [Fact]
    public async Task A_full_cache_stays_bounded()
    {
        Use(new KeystoneOptions { Url = _keystone.Url, ServiceToken = FakeKeystone.ServiceToken, CacheMaxEntries = 2 });
        foreach (var token in new[] { "t1", "t2", "t3" })
        {
            _keystone.AddToken(token, ProjectA, Now.AddHours(1));
            Assert.Equal(200, (await SendAsync("GET", "/v2/queues", token)).Status);
        }

        // The third insert found the cache full and reset it, so t1 is asked again and t3 is not.
        await SendAsync("GET", "/v2/queues", "t3");
        Assert.Equal(3, _keystone.Validations);
        await SendAsync("GET", "/v2/queues", "t1");
        Assert.Equal(4, _keystone.Validations);
    }

    [Fact]
    public async Task X_project_id_must_match_the_tokens_project()
    {
        var same = await SendAsync("GET", "/v2/queues", TokenA, project: ProjectA);
        Assert.Equal(200, same.Status);

        var other = await SendAsync("GET", "/v2/queues", TokenA, project: ProjectB);
        Assert.True(other.Status == 403, other.ToString());
        Assert.Equal("Forbidden", other.Json.GetProperty("title").GetString());
    }

    [Fact]
    public async Task V1_without_x_project_id_serves_the_tokens_project()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v1/queues/old", TokenA)).Status);

        Assert.Contains("old", (await SendAsync("GET", "/v2/queues", TokenA)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_url_works_without_a_token()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/shared", TokenA)).Status);
        var share = (await SendAsync("POST", "/v2/queues/shared/share", TokenA, body: """{"methods": ["GET", "POST"]}""")).Json;
        var signed = new (string, string)[]
        {
            ("URL-Signature", share.GetProperty("signature").GetString()!),
            ("URL-Expires", share.GetProperty("expires").GetString()!),
            ("URL-Methods", "GET,POST"),
            ("URL-Paths", "/v2/queues/shared/messages"),
        };

        var post = await SendAsync("POST", "/v2/queues/shared/messages", token: null, project: ProjectA, body: """{"messages": [{"body": 1, "ttl": 300}]}""", extra: signed);
        Assert.True(post.Status == 201, post.ToString());
        Assert.Equal(1, _keystone.Validations);

        // The signature covers the project: the same headers for another project are refused (404, as in Zaqar).
        var forged = await SendAsync("GET", "/v2/queues/shared/messages", token: null, project: ProjectB, extra: signed);
        Assert.Equal(404, forged.Status);

        // Without the signature, the token is required again.
        AssertUnauthorized(await SendAsync("GET", "/v2/queues/shared/messages", token: null, project: ProjectA));
    }

    [Fact]
    public async Task A_service_user_logs_in_once_and_again_when_its_token_is_refused()
    {
        Use(new KeystoneOptions
        {
            Url = _keystone.Url,
            ServiceUser = FakeKeystone.ServiceUser,
            ServicePassword = FakeKeystone.ServicePassword,
            ServiceProject = "service",
            CacheDuration = TimeSpan.Zero,
        });

        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
        Assert.Equal(1, _keystone.Logins);

        _keystone.RevokeServiceTokens();
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
        Assert.Equal(2, _keystone.Logins);
    }

    [Fact]
    public async Task A_wrong_service_password_is_503()
    {
        Use(new KeystoneOptions { Url = _keystone.Url, ServiceUser = FakeKeystone.ServiceUser, ServicePassword = "wrong", ServiceProject = "service" });

        Assert.Equal(503, (await SendAsync("GET", "/v2/queues", TokenA)).Status);
    }

    private static string AssertUnauthorized(ApiResponse response)
    {
        Assert.True(response.Status == 401, response.ToString());
        Assert.StartsWith("Keystone uri=\"http://127.0.0.1:", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
        Assert.Equal("Unauthorized", response.Json.GetProperty("title").GetString());
        return response.Json.GetProperty("description").GetString()!;
    }

    private void Use(KeystoneOptions options)
    {
        _authenticator?.Dispose();
        _authenticator = new KeystoneAuthenticator(options, _harness.Clock);
        _handler = new ZaqarApiHandler(_harness.Engine, new ZaqarApiOptions { Authenticator = _authenticator, SignedUrlSecretKey = SignedUrlKey });
    }

    private async Task<ApiResponse> SendAsync(string method, string path, string? token, string? project = null, string? body = null, params (string Name, string Value)[] extra)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Client-ID", ClientId) };
        if (token is not null)
        {
            headers.Add(new("X-Auth-Token", token));
        }

        if (project is not null)
        {
            headers.Add(new("X-Project-ID", project));
        }

        headers.AddRange(extra.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
        var request = new HttpRequest(method, path, string.Empty, headers, body is null ? default : Encoding.UTF8.GetBytes(body));
        var response = new HttpResponse();
        await _handler.HandleAsync(request, response, CancellationToken.None);
        return new ApiResponse(response);
    }
}
