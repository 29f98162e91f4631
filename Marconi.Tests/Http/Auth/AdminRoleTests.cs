using Marconi.Http.Auth;
using Marconi.Tests.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Auth;

/// <summary>
/// The admin gate under the keystone strategy, against a Keystone-shaped server on a loopback socket: the token's
/// roles decide, the token cache keeps that answer, and a client's own X-Roles header counts for nothing.
/// </summary>
public sealed class AdminRoleTests : IAsyncLifetime
{
    private const string Project = "0123456789abcdef0123456789abcdef";
    private FakeKeystone _keystone = null!;
    private PoolingHarness _pools = null!;
    private KeystoneAuthenticator _authenticator = null!;

    public async Task InitializeAsync()
    {
        _keystone = await FakeKeystone.StartAsync();
        _pools = await PoolingHarness.CreateAsync();
        _authenticator = new KeystoneAuthenticator(new KeystoneOptions { Url = _keystone.Url, ServiceToken = FakeKeystone.ServiceToken, CacheDuration = TimeSpan.FromMinutes(5) });
    }

    public async Task DisposeAsync()
    {
        _authenticator.Dispose();
        await _pools.DisposeAsync();
        await _keystone.DisposeAsync();
    }

    [Fact]
    public async Task A_token_with_the_admin_role_may_manage_pools_and_the_cache_keeps_the_role()
    {
        _keystone.AddToken("admin-token", Project, DateTimeOffset.UtcNow.AddHours(1), "reader", "admin");
        var handler = _pools.Handler(authenticator: _authenticator);
        var put = await PoolingHarness.SendAsync(handler, "PUT", "/v2/pools/k", $$"""{"uri": "{{_pools.PoolUri("k")}}", "weight": 1}""", project: Project, headers: [("X-Auth-Token", "admin-token")]);
        Assert.True(put.Status == 201, put.ToString());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await PoolingHarness.SendAsync(handler, "GET", "/v2/pools/k", project: Project, headers: [("X-Auth-Token", "admin-token")])).Status);
        }

        Assert.Equal(1, _authenticator.KeystoneValidations);
    }

    [Fact]
    public async Task A_token_without_it_gets_403_even_with_an_admin_x_roles_header_and_the_cache_keeps_that_too()
    {
        _keystone.AddToken("member-token", Project, DateTimeOffset.UtcNow.AddHours(1), "member", "reader");
        _keystone.AddToken("no-roles", Project, DateTimeOffset.UtcNow.AddHours(1));
        var handler = _pools.Handler(authenticator: _authenticator);
        foreach (var token in new[] { "member-token", "no-roles", "member-token" })
        {
            var response = await PoolingHarness.SendAsync(handler, "GET", "/v2/pools", project: Project, headers: [("X-Auth-Token", token), ("X-Roles", "admin")]);
            Assert.Equal("Not authorized", PoolsApiTests.AssertError(response, 403).GetProperty("title").GetString());
        }

        Assert.Equal(2, _authenticator.KeystoneValidations);

        // Normal queue calls are unaffected by the role.
        Assert.Equal(201, (await PoolingHarness.SendAsync(handler, "PUT", "/v2/queues/q", project: Project, headers: [("X-Auth-Token", "member-token")])).Status);
    }
}
