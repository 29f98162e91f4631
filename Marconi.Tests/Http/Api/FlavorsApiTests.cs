using System.Text.Json;
using Marconi.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Api;

/// <summary><c>/v2/flavors</c> over the server's pooling layer: Zaqar 15's pool_list semantics and checks.</summary>
public sealed class FlavorsApiTests : AdminPoolingTests
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var name in new[] { "p1", "p2", "p3" })
        {
            Assert.Equal(201, (await SendAsync("PUT", $"/v2/pools/{name}", $$"""{"uri": "{{Pools.PoolUri(name)}}", "weight": 1}""")).Status);
        }
    }

    [Fact]
    public async Task A_flavor_is_created_with_its_pools_read_and_listed()
    {
        var put = await SendAsync("PUT", "/v2/flavors/gold", """{"pool_list": ["p1", "p2"], "capabilities": {"ignored": true}}""");
        Assert.True(put.Status == 201, put.ToString());
        Assert.Equal("/v2/flavors/gold", put.Header("Location"));
        Assert.Equal("gold", (await SendAsync("GET", "/v2/pools/p1")).Json.GetProperty("flavor").GetString());

        var get = (await SendAsync("GET", "/v2/flavors/gold")).Json;
        Assert.Equal("gold", get.GetProperty("name").GetString());
        Assert.Equal(["p1", "p2"], get.GetProperty("pool_list").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"], get.GetProperty("capabilities").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("/v2/flavors/gold", get.GetProperty("href").GetString());
        Assert.Equal("Flavor tin does not exist", PoolsApiTests.AssertError(await SendAsync("GET", "/v2/flavors/tin"), 404).GetProperty("description").GetString());

        Assert.Equal(201, (await SendAsync("PUT", "/v2/flavors/silver", """{"pool_list": ["p3"]}""")).Status);
        var list = await SendAsync("GET", "/v2/flavors?limit=1");
        var entry = Assert.Single(list.Json.GetProperty("flavors").EnumerateArray());
        Assert.Equal("gold", entry.GetProperty("name").GetString());
        Assert.Equal("/v2/flavors/gold", entry.GetProperty("href").GetString());
        Assert.False(entry.TryGetProperty("capabilities", out _));
        var next = list.Json.GetProperty("links")[0].GetProperty("href").GetString()!;
        Assert.Equal("/v2/flavors?marker=gold&limit=1", next);
        var detailed = (await SendAsync("GET", next + "&detailed=true")).Json.GetProperty("flavors");
        Assert.Equal("silver", Assert.Single(detailed.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(5, detailed[0].GetProperty("capabilities").GetArrayLength());
        PoolsApiTests.AssertError(await SendAsync("GET", "/v2/flavors?limit=21"), 400);
    }

    [Theory]
    [InlineData("""{"capabilities": {}}""", "Invalid request body", "\"pool_list\"")]
    [InlineData("""{"pool_list": "p1"}""", "Invalid request body", "\"pool_list\"")]
    [InlineData("""{"pool_list": [1]}""", "Invalid request body", "\"pool_list\"")]
    [InlineData("""{"pool_list": ["p1"], "capabilities": []}""", "Invalid request body", "\"capabilities\"")]
    [InlineData("""{"pool_list": ["p1"], "pool_group": "g"}""", "Invalid request body", "'pool_group'")]
    [InlineData("""{"pool_list": []}""", "Unable to create", "Bad Request")]
    [InlineData("""{"pool_list": ["p1", "nope"]}""", "Unable to create", "Flavor bad could not be created, error:Pool nope does not exist")]
    [InlineData("""nope""", "Invalid request body", "JSON could not be parsed")]
    public async Task A_bad_flavor_body_is_400_and_changes_nothing(string body, string title, string description)
    {
        var error = PoolsApiTests.AssertError(await SendAsync("PUT", "/v2/flavors/bad", body), 400);
        Assert.Equal(title, error.GetProperty("title").GetString());
        Assert.Contains(description, error.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await SendAsync("GET", "/v2/flavors/bad")).Status);
        Assert.Equal(JsonValueKind.Null, (await SendAsync("GET", "/v2/pools/p1")).Json.GetProperty("flavor").ValueKind);
    }

    [Fact]
    public async Task Patch_replaces_the_pool_list_and_delete_frees_the_pools()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/flavors/gold", """{"pool_list": ["p1", "p2"]}""")).Status);
        var patched = await SendAsync("PATCH", "/v2/flavors/gold", """{"pool_list": ["p3", "p2"]}""");
        Assert.True(patched.Status == 200, patched.ToString());
        Assert.Equal(["p2", "p3"], patched.Json.GetProperty("pool_list").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(JsonValueKind.Null, (await SendAsync("GET", "/v2/pools/p1")).Json.GetProperty("flavor").ValueKind);
        Assert.Equal("gold", (await SendAsync("GET", "/v2/pools/p3")).Json.GetProperty("flavor").GetString());

        Assert.Equal("`pool_list` needs to be specified", PoolsApiTests.AssertError(await SendAsync("PATCH", "/v2/flavors/gold", """{"capabilities": {}}"""), 400).GetProperty("description").GetString());
        Assert.Equal("Unable to create", PoolsApiTests.AssertError(await SendAsync("PATCH", "/v2/flavors/gold", """{"pool_list": []}"""), 400).GetProperty("title").GetString());
        var unknown = PoolsApiTests.AssertError(await SendAsync("PATCH", "/v2/flavors/gold", """{"pool_list": ["zz"]}"""), 400);
        Assert.Equal("updatefail", unknown.GetProperty("title").GetString());
        Assert.Equal("Flavor gold cant be updated, error:Pool zz does not exist", unknown.GetProperty("description").GetString());
        PoolsApiTests.AssertError(await SendAsync("PATCH", "/v2/flavors/tin", """{"pool_list": ["p1"]}"""), 404);
        Assert.Equal(["p2", "p3"], (await SendAsync("GET", "/v2/flavors/gold")).Json.GetProperty("pool_list").EnumerateArray().Select(p => p.GetString()));

        Assert.Equal(204, (await SendAsync("DELETE", "/v2/flavors/gold")).Status);
        Assert.Equal(404, (await SendAsync("GET", "/v2/flavors/gold")).Status);
        Assert.Equal(JsonValueKind.Null, (await SendAsync("GET", "/v2/pools/p3")).Json.GetProperty("flavor").ValueKind);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/flavors/gold")).Status);
    }
}
