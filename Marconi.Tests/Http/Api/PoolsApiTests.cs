using System.Text.Json;
using Marconi.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Api;

/// <summary>
/// <c>/v2/pools</c> over the server's real pooling layer (file:/// pools in a temp directory): Zaqar 15's shapes and
/// checks, and the refusals that keep queues from being orphaned.
/// </summary>
public sealed class PoolsApiTests : AdminPoolingTests
{
    [Fact]
    public async Task A_pool_is_created_read_listed_and_replaced()
    {
        var put = await SendAsync("PUT", "/v2/pools/alpha", $$$"""{"uri": "{{{Pools.PoolUri("alpha")}}}", "weight": 100, "options": {"k": [1]}}""");
        Assert.True(put.Status == 201, put.ToString());
        Assert.Equal("/v2/pools/alpha", put.Header("Location"));
        Assert.Empty(put.Body);
        Assert.True(Directory.Exists(Pools.PoolDir("alpha")), "the store is opened (Zaqar's can_connect) when the pool is registered");

        var get = await SendAsync("GET", "/v2/pools/alpha");
        Assert.Equal(200, get.Status);
        Assert.Equal(["flavor", "href", "name", "uri", "weight"], Keys(get.Json));
        Assert.Equal(Pools.PoolUri("alpha"), get.Json.GetProperty("uri").GetString());
        Assert.Equal(100, get.Json.GetProperty("weight").GetInt64());
        Assert.Equal(JsonValueKind.Null, get.Json.GetProperty("flavor").ValueKind);
        Assert.Equal("/v2/pools/alpha", get.Json.GetProperty("href").GetString());
        var detailed = await SendAsync("GET", "/v2/pools/alpha?detailed=true");
        Assert.Equal(1, detailed.Json.GetProperty("options").GetProperty("k")[0].GetInt32());

        Assert.Equal(200, (await SendAsync("HEAD", "/v2/pools/alpha")).Status);
        Assert.Equal(404, (await SendAsync("HEAD", "/v2/pools/nope")).Status);
        var missing = AssertError(await SendAsync("GET", "/v2/pools/nope"), 404);
        Assert.Equal("Pool nope does not exist", missing.GetProperty("description").GetString());

        // PUT is an upsert, as in Zaqar: the whole definition is replaced (options back to {}).
        Assert.Equal(201, (await SendAsync("PUT", "/v2/pools/alpha", $$"""{"uri": "{{Pools.PoolUri("alpha")}}", "weight": 4294967295}""")).Status);
        var replaced = (await SendAsync("GET", "/v2/pools/alpha?detailed=true")).Json;
        Assert.Equal(4294967295, replaced.GetProperty("weight").GetInt64());
        Assert.Equal("{}", replaced.GetProperty("options").GetRawText());
    }

    [Fact]
    public async Task The_listing_pages_by_name_with_a_next_link_and_shows_options_only_when_detailed()
    {
        foreach (var name in new[] { "c", "a", "b" })
        {
            Assert.Equal(201, (await SendAsync("PUT", $"/v2/pools/{name}", $$"""{"uri": "{{Pools.PoolUri(name)}}", "weight": 1}""")).Status);
        }

        var first = await SendAsync("GET", "/v2/pools?limit=2");
        Assert.Equal(200, first.Status);
        Assert.Equal("/v2/pools?limit=2", first.Header("Content-Location"));
        Assert.Equal(["a", "b"], first.Json.GetProperty("pools").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.DoesNotContain(first.Json.GetProperty("pools").EnumerateArray(), p => p.TryGetProperty("options", out _));
        var next = first.Json.GetProperty("links")[0];
        Assert.Equal("next", next.GetProperty("rel").GetString());
        Assert.Equal("/v2/pools?marker=b&limit=2", next.GetProperty("href").GetString());

        var second = await SendAsync("GET", next.GetProperty("href").GetString()! + "&detailed=true");
        var pool = Assert.Single(second.Json.GetProperty("pools").EnumerateArray());
        Assert.Equal("c", pool.GetProperty("name").GetString());
        Assert.Equal("/v2/pools/c", pool.GetProperty("href").GetString());
        Assert.Equal("{}", pool.GetProperty("options").GetRawText());

        var empty = await SendAsync("GET", "/v2/pools?marker=c");
        Assert.Empty(empty.Json.GetProperty("pools").EnumerateArray());
        Assert.Empty(empty.Json.GetProperty("links").EnumerateArray());

        foreach (var limit in new[] { "0", "21", "-1" })
        {
            var bad = AssertError(await SendAsync("GET", $"/v2/pools?limit={limit}"), 400);
            Assert.Equal("Limit must be at least 1 and no greater than 20.", bad.GetProperty("description").GetString());
        }

        AssertError(await SendAsync("GET", "/v2/pools?limit=x"), 400);
        AssertError(await SendAsync("GET", "/v2/pools?detailed=maybe"), 400);
    }

    [Theory]
    [InlineData("""{"weight": 1}""", "\"uri\"")]
    [InlineData("""{"uri": "URI"}""", "\"weight\"")]
    [InlineData("""{"uri": "URI", "weight": -1}""", "\"weight\"")]
    [InlineData("""{"uri": "URI", "weight": 4294967296}""", "\"weight\"")]
    [InlineData("""{"uri": "URI", "weight": 1.5}""", "\"weight\"")]
    [InlineData("""{"uri": "URI", "weight": "1"}""", "\"weight\"")]
    [InlineData("""{"uri": "URI", "weight": null}""", "\"weight\"")]
    [InlineData("""{"uri": 5, "weight": 1}""", "\"uri\"")]
    [InlineData("""{"uri": "URI", "weight": 1, "flavor": 3}""", "\"flavor\"")]
    [InlineData("""{"uri": "URI", "weight": 1, "options": []}""", "\"options\"")]
    [InlineData("""{"uri": "URI", "weight": 1, "group": "g"}""", "'group'")]
    [InlineData("""[{"uri": "URI", "weight": 1}]""", "JSON object")]
    [InlineData("""{"uri": "URI", "weight": 1""", "JSON could not be parsed")]
    [InlineData("", "JSON could not be parsed")]
    public async Task A_bad_pool_body_is_400_naming_the_field_and_stores_nothing(string body, string named)
    {
        var response = await SendAsync("PUT", "/v2/pools/bad", body.Replace("URI", Pools.PoolUri("bad"), StringComparison.Ordinal));
        var error = AssertError(response, 400);
        Assert.Equal("Invalid request body", error.GetProperty("title").GetString());
        Assert.Contains(named, error.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, (await SendAsync("GET", "/v2/pools/bad")).Status);
    }

    [Fact]
    public async Task A_uri_no_driver_can_open_is_400_and_one_taken_by_another_pool_is_409()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/pools/first", $$"""{"uri": "{{Pools.PoolUri("first")}}", "weight": 1}""")).Status);
        var file = Path.Combine(Pools.Root, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var uris = new[]
        {
            "redis://127.0.0.1:1",                  // no redis driver registered in this build
            "file://relative/dir",                  // a host, not a local absolute path
            "not a uri",
            new Uri(Pools.DataDir).AbsoluteUri,    // the server's own store
            new Uri(Path.Combine(Pools.DataDir, "inner")).AbsoluteUri,
            new Uri(file).AbsoluteUri,              // a file where the store's directory should be
        };
        foreach (var uri in uris)
        {
            var error = AssertError(await SendAsync("PUT", "/v2/pools/second", $$"""{"uri": "{{uri}}", "weight": 1}"""), 400);
            Assert.StartsWith($"cannot connect to {uri}: ", error.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        // The same directory spelled differently is the same store.
        var taken = AssertError(await SendAsync("PUT", "/v2/pools/second", $$"""{"uri": "{{Pools.PoolUri("first")}}/", "weight": 1}"""), 409);
        Assert.Equal("The database URI is in use by another pool.", taken.GetProperty("description").GetString());
        var listed = (await SendAsync("GET", "/v2/pools")).Json.GetProperty("pools");
        Assert.Equal("first", Assert.Single(listed.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Patch_changes_the_fields_given_and_checks_them()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/pools/p", $$"""{"uri": "{{Pools.PoolUri("p")}}", "weight": 1, "flavor": "f"}""")).Status);
        var patched = await SendAsync("PATCH", "/v2/pools/p", """{"weight": 9, "options": {"a": 1}}""");
        Assert.True(patched.Status == 200, patched.ToString());
        Assert.Equal(9, patched.Json.GetProperty("weight").GetInt64());
        Assert.Equal("f", patched.Json.GetProperty("flavor").GetString());
        Assert.Equal("/v2/pools/p", patched.Json.GetProperty("href").GetString());
        Assert.Equal(1, (await SendAsync("GET", "/v2/pools/p?detailed=true")).Json.GetProperty("options").GetProperty("a").GetInt32());

        // An empty flavor takes the pool out of its flavor (Zaqar's rule); a new uri is opened like on PUT.
        var moved = await SendAsync("PATCH", "/v2/pools/p", $$"""{"flavor": "", "uri": "{{Pools.PoolUri("p2")}}"}""");
        Assert.Equal(JsonValueKind.Null, moved.Json.GetProperty("flavor").ValueKind);
        Assert.Equal(Pools.PoolUri("p2"), moved.Json.GetProperty("uri").GetString());

        var none = AssertError(await SendAsync("PATCH", "/v2/pools/p", """{"other": 1}"""), 400);
        Assert.Equal("One of `uri`, `weight`, `flavor`, or `options` needs to be specified", none.GetProperty("description").GetString());
        Assert.Contains("\"weight\"", AssertError(await SendAsync("PATCH", "/v2/pools/p", """{"weight": -5}"""), 400).GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"options\"", AssertError(await SendAsync("PATCH", "/v2/pools/p", """{"options": 1}"""), 400).GetProperty("description").GetString(), StringComparison.Ordinal);
        AssertError(await SendAsync("PATCH", "/v2/pools/p", """{"uri": "redis://nowhere"}"""), 400);
        AssertError(await SendAsync("PATCH", "/v2/pools/p", "[]"), 400);
        Assert.Equal("Pool ghost does not exist", AssertError(await SendAsync("PATCH", "/v2/pools/ghost", """{"weight": 1}"""), 404).GetProperty("description").GetString());
        Assert.Equal(9, (await SendAsync("GET", "/v2/pools/p")).Json.GetProperty("weight").GetInt64());
    }

    [Fact]
    public async Task A_pool_holding_queues_is_neither_deleted_nor_moved_until_they_are_gone()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/pools/busy", $$"""{"uri": "{{Pools.PoolUri("busy")}}", "weight": 1}""")).Status);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/q1")).Status);
        Assert.Equal("busy", Pools.Store.Catalog.PlacementOf("pool-project", "q1"));

        var refused = AssertError(await SendAsync("DELETE", "/v2/pools/busy"), 409);
        Assert.Contains("holds 1 queue(s)", refused.GetProperty("description").GetString(), StringComparison.Ordinal);
        AssertError(await SendAsync("PATCH", "/v2/pools/busy", $$"""{"uri": "{{Pools.PoolUri("elsewhere")}}"}"""), 409);
        Assert.False(Directory.Exists(Pools.PoolDir("elsewhere")), "a refused change opens no store");
        Assert.Equal(200, (await SendAsync("PATCH", "/v2/pools/busy", """{"weight": 0}""")).Status);

        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/q1")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/pools/busy")).Status);
        Assert.Equal(404, (await SendAsync("GET", "/v2/pools/busy")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/pools/busy")).Status);
    }

    [Fact]
    public async Task The_last_pool_of_a_flavor_is_not_deleted()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/pools/only", $$"""{"uri": "{{Pools.PoolUri("only")}}", "weight": 1}""")).Status);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/flavors/gold", """{"pool_list": ["only"]}""")).Status);
        var error = AssertError(await SendAsync("DELETE", "/v2/pools/only"), 403);
        Assert.Equal("Unable to delete", error.GetProperty("title").GetString());
        Assert.Equal("This pool is used by flavors gold; It cannot be deleted.", error.GetProperty("description").GetString());

        Assert.Equal(204, (await SendAsync("DELETE", "/v2/flavors/gold")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/pools/only")).Status);
    }

    [Fact]
    public async Task A_name_that_is_not_a_simple_identifier_is_400()
    {
        var error = AssertError(await SendAsync("PUT", "/v2/pools/has%20space", $$"""{"uri": "{{Pools.PoolUri("x")}}", "weight": 1}"""), 400);
        Assert.Equal("Invalid API request", error.GetProperty("title").GetString());
        AssertError(await SendAsync("GET", "/v2/pools/" + new string('a', 65)), 400);
    }

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    internal static JsonElement AssertError(ApiResponse response, int status)
    {
        Assert.True(status == response.Status, $"Expected {status}, got {response}");
        Assert.Equal("application/json; charset=UTF-8", response.Header("Content-Type"));
        Assert.Equal(["description", "title"], Keys(response.Json));
        return response.Json;
    }
}
