using Marconi.Http.Auth;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Api;

/// <summary>
/// The admin gate under noauth: pools and flavors exist only in admin mode with pooling (404 otherwise, like any
/// unknown route) and answer non-admins 403 with Zaqar's policy error. Keystone roles: Http/Auth/AdminRoleTests.
/// </summary>
public sealed class AdminGateTests : IAsyncLifetime
{
    private PoolingHarness _pools = null!;

    public async Task InitializeAsync() => _pools = await PoolingHarness.CreateAsync();

    public async Task DisposeAsync() => await _pools.DisposeAsync();

    [Theory]
    [InlineData("GET", "/v2/pools")]
    [InlineData("PUT", "/v2/pools/p")]
    [InlineData("GET", "/v2/pools/p")]
    [InlineData("PATCH", "/v2/pools/p")]
    [InlineData("DELETE", "/v2/pools/p")]
    [InlineData("GET", "/v2/flavors")]
    [InlineData("PUT", "/v2/flavors/f")]
    [InlineData("DELETE", "/v2/flavors/f")]
    public async Task Non_admins_get_403_and_nothing_changes(string method, string path)
    {
        var body = method is "PUT" or "PATCH" ? $$"""{"uri": "{{_pools.PoolUri("p")}}", "weight": 1, "pool_list": ["p"]}""" : null;
        foreach (var roles in new[] { null, "member", "reader,service", "administrator", "" })
        {
            var headers = roles is null ? Array.Empty<(string, string)>() : [("X-Roles", roles)];
            var response = await PoolingHarness.SendAsync(_pools.Handler(), method, path, body, headers: headers);
            var error = PoolsApiTests.AssertError(response, 403);
            Assert.Equal("Not authorized", error.GetProperty("title").GetString());
            Assert.Equal("You are not authorized to complete this action.", error.GetProperty("description").GetString());
        }

        Assert.Empty(_pools.Store.Catalog.Pools);
        Assert.Empty(_pools.Store.Catalog.Flavors);
    }

    [Fact]
    public async Task The_admin_role_may_be_one_of_several_in_any_case()
    {
        foreach (var roles in new[] { "admin", "member, Admin", "reader,ADMIN,service" })
        {
            Assert.Equal(200, (await PoolingHarness.SendAsync(_pools.Handler(), "GET", "/v2/pools", headers: [("X-Roles", roles)])).Status);
        }
    }

    [Fact]
    public async Task Without_admin_mode_or_without_pooling_the_admin_routes_are_404_like_unknown_ones()
    {
        foreach (var handler in new[] { _pools.Handler(adminMode: false), _pools.Handler(adminMode: true, pools: false) })
        {
            foreach (var path in new[] { "/v2/pools", "/v2/pools/p", "/v2/flavors", "/v2/flavors/f" })
            {
                var response = await PoolingHarness.SendAsync(handler, "GET", path, headers: [("X-Roles", "admin")]);
                Assert.True(response.Status == 404, response.ToString());
                var unknown = await PoolingHarness.SendAsync(handler, "GET", "/v2/no-such-thing", headers: [("X-Roles", "admin")]);
                Assert.Equal(unknown.Text, response.Text);
            }

            var put = await PoolingHarness.SendAsync(handler, "PUT", "/v2/pools/p", $$"""{"uri": "{{_pools.PoolUri("p")}}", "weight": 1}""", headers: [("X-Roles", "admin")]);
            Assert.Equal(404, put.Status);
        }

        Assert.Empty(_pools.Store.Catalog.Pools);
    }

    [Fact]
    public async Task Header_checks_come_first_as_in_zaqar()
    {
        var noClient = await PoolingHarness.SendAsync(_pools.Handler(), "GET", "/v2/pools", headers: [("Client-ID", "not-a-uuid"), ("X-Roles", "admin")]);
        Assert.Equal(400, noClient.Status);
        var wrongMethod = await PoolingHarness.SendAsync(_pools.Handler(), "POST", "/v2/pools", "{}", headers: [("X-Roles", "admin")]);
        Assert.Equal(405, wrongMethod.Status);
    }

    [Fact]
    public void The_gate_reads_roles_from_the_token_under_keystone_and_never_trusts_x_roles_then()
    {
        var request = new Marconi.Http.Hosting.HttpRequest("GET", "/v2/pools", string.Empty, [new("X-Roles", "admin")], default);
        Assert.True(AdminGate.IsAdmin(request, AuthResult.TrustHeader));
        Assert.False(AdminGate.IsAdmin(request, AuthResult.ForProject("p", isAdmin: false)));
        Assert.True(AdminGate.IsAdmin(new Marconi.Http.Hosting.HttpRequest("GET", "/", string.Empty, [], default), AuthResult.ForProject("p", isAdmin: true)));
        Assert.False(AdminGate.IsAdmin(request, null));
        Assert.False(AdminGate.IsAdmin(request, AuthResult.Fail(401, "Unauthorized", "no")));
    }
}
