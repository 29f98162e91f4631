using System.Net;
using System.Text;
using System.Text.Json;
using Marconi.Http.Auth;
using Marconi.Tests.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Auth;

/// <summary>
/// The admin gate against the real Keystone on 127.0.0.1:5000 (interop/keystone/run.sh): the bootstrap admin's token
/// may manage pools; a user made here with only the <c>member</c> role in a project of its own gets 403. The user and
/// project are deleted again at the end.
/// </summary>
public sealed class RealKeystoneAdminTests : IAsyncLifetime
{
    private static readonly Uri KeystoneUrl = RealKeystone.Url;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly List<Uri> _cleanup = [];
    private PoolingHarness _pools = null!;
    private KeystoneAuthenticator _authenticator = null!;

    private static string Password => RealKeystone.AdminPassword;

    public async Task InitializeAsync()
    {
        _pools = await PoolingHarness.CreateAsync();
        _authenticator = new KeystoneAuthenticator(new KeystoneOptions
        {
            Url = KeystoneUrl,
            ServiceUser = "admin",
            ServicePassword = Password,
            ServiceProject = "admin",
        });
    }

    public async Task DisposeAsync()
    {
        if (_cleanup.Count > 0)
        {
            var (admin, _) = await LoginAsync("admin", Password, "admin");
            foreach (var uri in _cleanup)
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, uri);
                request.Headers.Add("X-Auth-Token", admin);
                using var response = await _http.SendAsync(request);
            }
        }

        _authenticator.Dispose();
        await _pools.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task The_admin_token_manages_pools_and_a_member_token_gets_403()
    {
        var (admin, adminProject) = await LoginAsync("admin", Password, "admin");
        var handler = _pools.Handler(authenticator: _authenticator);
        var put = await PoolingHarness.SendAsync(handler, "PUT", "/v2/pools/real", $$"""{"uri": "{{_pools.PoolUri("real")}}", "weight": 1}""", project: adminProject, headers: [("X-Auth-Token", admin)]);
        Assert.True(put.Status == 201, put.ToString());
        Assert.Equal(200, (await PoolingHarness.SendAsync(handler, "GET", "/v2/pools/real", project: adminProject, headers: [("X-Auth-Token", admin)])).Status);

        var (member, memberProject) = await CreateMemberAsync(admin);
        var refused = await PoolingHarness.SendAsync(handler, "GET", "/v2/pools", project: memberProject, headers: [("X-Auth-Token", member), ("X-Roles", "admin")]);
        Assert.Equal("Not authorized", PoolsApiTests.AssertError(refused, 403).GetProperty("title").GetString());
        var delete = await PoolingHarness.SendAsync(handler, "DELETE", "/v2/pools/real", project: memberProject, headers: [("X-Auth-Token", member)]);
        Assert.Equal(403, delete.Status);
        Assert.NotNull(_pools.Store.Catalog.GetPool("real"));

        // The member's token is otherwise fine: its own project's queues work.
        Assert.Equal(201, (await PoolingHarness.SendAsync(handler, "PUT", "/v2/queues/mine", project: memberProject, headers: [("X-Auth-Token", member)])).Status);
    }

    /// <summary>A new project and a user with only the member role there; returns the user's project-scoped token.</summary>
    private async Task<(string Token, string Project)> CreateMemberAsync(string admin)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var project = await CreateAsync(admin, "projects", "project", new { name = $"marconi-member-{suffix}", domain_id = "default" });
        var password = Guid.NewGuid().ToString("N");
        var user = await CreateAsync(admin, "users", "user", new { name = $"marconi-member-{suffix}", domain_id = "default", password, default_project_id = project });

        using var roles = await GetAsync(admin, "roles?name=member");
        var role = roles.RootElement.GetProperty("roles")[0].GetProperty("id").GetString();
        using (var grant = new HttpRequestMessage(HttpMethod.Put, new Uri($"{KeystoneUrl}/projects/{project}/users/{user}/roles/{role}")))
        {
            grant.Headers.Add("X-Auth-Token", admin);
            using var granted = await _http.SendAsync(grant);
            Assert.Equal(HttpStatusCode.NoContent, granted.StatusCode);
        }

        return await LoginAsync($"marconi-member-{suffix}", password, $"marconi-member-{suffix}");
    }

    private async Task<string> CreateAsync(string admin, string collection, string kind, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{KeystoneUrl}/{collection}"))
        {
            Content = new StringContent($"{{\"{kind}\": {JsonSerializer.Serialize(body, body.GetType())}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Auth-Token", admin);
        using var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Keystone refused to create a {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = document.RootElement.GetProperty(kind).GetProperty("id").GetString()!;
        _cleanup.Insert(0, new Uri($"{KeystoneUrl}/{collection}/{id}"));
        return id;
    }

    private async Task<JsonDocument> GetAsync(string admin, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{KeystoneUrl}/{path}"));
        request.Headers.Add("X-Auth-Token", admin);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private Task<(string Token, string Project)> LoginAsync(string user, string password, string project) =>
        RealKeystone.LoginAsync(_http, user, password, project);
}
