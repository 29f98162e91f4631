using System.Text.Json;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Http.Api;
using Marconi.Storage.Faster;
using Marconi.Tests.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Pooling;

/// <summary>
/// Placement through the API over real file:/// pools: weights, flavors restricting placement, messages landing in
/// their pool's directory, routing after the catalog and the stores are reopened.
/// </summary>
public sealed class PoolPlacementTests : IAsyncLifetime
{
    private static readonly (string, string) Admin = ("X-Roles", "admin");
    private PoolingHarness _pools = null!;
    private ZaqarApiHandler _handler = null!;

    public async Task InitializeAsync()
    {
        _pools = await PoolingHarness.CreateAsync(seed: 11);
        _handler = _pools.Handler();
    }

    public async Task DisposeAsync() => await _pools.DisposeAsync();

    [Fact]
    public async Task Queues_spread_by_weight_and_their_messages_land_in_their_pools_directory()
    {
        await PutPoolAsync("heavy", 3);
        await PutPoolAsync("light", 1);
        await PutPoolAsync("idle", 0);
        const int queues = 120;
        for (var i = 0; i < queues; i++)
        {
            Assert.Equal(201, (await SendAsync("PUT", $"/v2/queues/q{i:D3}")).Status);
            Assert.Equal(201, (await SendAsync("POST", $"/v2/queues/q{i:D3}/messages", $$"""{"messages": [{"body": {"queue": {{i}}}, "ttl": 600}]}""")).Status);
        }

        var placed = Enumerable.Range(0, queues).Select(i => _pools.Store.Catalog.PlacementOf("pool-project", $"q{i:D3}")).ToList();
        var heavy = placed.Count(p => p == "heavy");
        var light = placed.Count(p => p == "light");
        Assert.Equal(queues, heavy + light);

        // 3:1 gives about 90:30 (binomial, sd under 5); the bounds leave room for any seed.
        Assert.InRange(heavy, 70, 110);
        Assert.InRange(light, 10, 50);

        // The listing merges every store by name.
        var listed = await SendAsync("GET", "/v2/queues?limit=20&marker=q099");
        Assert.Equal(Enumerable.Range(100, 20).Select(i => $"q{i:D3}"), listed.Json.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()));

        await _pools.CloseAsync();
        var query = new MessageQuery(null, 10, Guid.NewGuid(), Echo: true, IncludeClaimed: true, IncludeDelayed: true);
        foreach (var pool in new[] { "heavy", "light", "idle" })
        {
            await using var store = await FasterQueueStore.OpenAsync(_pools.PoolDir(pool));
            for (var i = 0; i < queues; i++)
            {
                var page = await store.ListMessagesAsync("pool-project", $"q{i:D3}", query, CancellationToken.None);
                if (placed[i] == pool)
                {
                    using var body = JsonDocument.Parse(Assert.Single(page.Messages).Body);
                    Assert.Equal(i, body.RootElement.GetProperty("queue").GetInt32());
                }
                else
                {
                    Assert.Null(await store.GetQueueMetadataAsync("pool-project", $"q{i:D3}", CancellationToken.None));
                }
            }
        }

        await using var own = await FasterQueueStore.OpenAsync(_pools.DataDir);
        Assert.Empty((await own.ListQueuesAsync("pool-project", null, 100, null, false, false, CancellationToken.None)).Queues);
    }

    [Fact]
    public async Task A_flavor_restricts_placement_to_its_pools_and_unflavored_queues_avoid_them()
    {
        await PutPoolAsync("plain", 1);
        await PutPoolAsync("gold-a", 1);
        await PutPoolAsync("gold-b", 1);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/flavors/gold", """{"pool_list": ["gold-a", "gold-b"]}""")).Status);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(201, (await SendAsync("PUT", $"/v2/queues/g{i:D2}", """{"_flavor": "gold"}""")).Status);
            Assert.Equal(201, (await SendAsync("PUT", $"/v2/queues/n{i:D2}")).Status);
        }

        var gold = Enumerable.Range(0, 30).Select(i => _pools.Store.Catalog.PlacementOf("pool-project", $"g{i:D2}")).ToList();
        Assert.All(gold, p => Assert.Contains(p, new[] { "gold-a", "gold-b" }));
        Assert.Contains("gold-a", gold);
        Assert.Contains("gold-b", gold);
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal("plain", _pools.Store.Catalog.PlacementOf("pool-project", $"n{i:D2}")));
        Assert.Equal("gold", (await SendAsync("GET", "/v2/queues/g00")).Json.GetProperty("_flavor").GetString());

        var unknown = PoolsApiTests.AssertError(await SendAsync("PUT", "/v2/queues/x", """{"_flavor": "silver"}"""), 400);
        Assert.Equal("Flavor silver does not exist", unknown.GetProperty("description").GetString());
        Assert.False(await _pools.Engine.QueueExistsAsync("pool-project", "x"));
        Assert.Null(_pools.Store.Catalog.PlacementOf("pool-project", "x"));

        Assert.Equal(200, (await SendAsync("PATCH", "/v2/pools/gold-a", """{"weight": 0}""")).Status);
        Assert.Equal(200, (await SendAsync("PATCH", "/v2/pools/gold-b", """{"weight": 0}""")).Status);
        var full = PoolsApiTests.AssertError(await SendAsync("PUT", "/v2/queues/y", """{"_flavor": "gold"}"""), 400);
        Assert.Equal("Flavor gold has no pool that takes new queues (weight above 0).", full.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Without_any_pool_of_its_kind_a_queue_stays_on_the_servers_own_store()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/before")).Status);
        await PutPoolAsync("gold-only", 1);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/flavors/gold", """{"pool_list": ["gold-only"]}""")).Status);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/after")).Status);
        Assert.Null(_pools.Store.Catalog.PlacementOf("pool-project", "before"));
        Assert.Null(_pools.Store.Catalog.PlacementOf("pool-project", "after"));
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/before/messages", """{"messages": [{"body": 1}]}""")).Status);
        Assert.Equal(1, (await SendAsync("GET", "/v2/queues/before/stats")).Json.GetProperty("messages").GetProperty("free").GetInt32());
    }

    [Fact]
    public async Task Placements_pools_and_flavors_survive_reopening_and_requests_still_reach_each_queues_pool()
    {
        await PutPoolAsync("a", 1);
        await PutPoolAsync("b", 1);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/flavors/fb", """{"pool_list": ["b"]}""")).Status);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/on-a")).Status);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/on-b", """{"_flavor": "fb"}""")).Status);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/on-a/messages", """{"messages": [{"body": "A"}]}""")).Status);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/on-b/messages", """{"messages": [{"body": "B"}, {"body": "B2"}]}""")).Status);

        await _pools.ReopenAsync();
        _handler = _pools.Handler();
        Assert.Equal("a", _pools.Store.Catalog.PlacementOf("pool-project", "on-a"));
        Assert.Equal("b", _pools.Store.Catalog.PlacementOf("pool-project", "on-b"));
        Assert.Equal(["b"], (await SendAsync("GET", "/v2/flavors/fb")).Json.GetProperty("pool_list").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(1, (await SendAsync("GET", "/v2/queues/on-a/stats")).Json.GetProperty("messages").GetProperty("free").GetInt32());
        var claim = await SendAsync("POST", "/v2/queues/on-b/claims?limit=5", """{"ttl": 60, "grace": 60}""");
        Assert.Equal(["\"B\"", "\"B2\""], claim.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetRawText()));
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/on-b")).Status);
        Assert.Null(_pools.Store.Catalog.PlacementOf("pool-project", "on-b"));
    }

    [Fact]
    public async Task A_pool_whose_store_cannot_be_opened_answers_503_for_its_queues_and_recovers_when_it_can()
    {
        await PutPoolAsync("fragile", 1);
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/on-fragile")).Status);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/on-fragile/messages", """{"messages": [{"body": "kept"}]}""")).Status);

        // The pool's directory becomes a file while the server is down: its store cannot be opened.
        await _pools.CloseAsync();
        var directory = _pools.PoolDir("fragile");
        Directory.Move(directory, directory + ".away");
        await File.WriteAllTextAsync(directory, "not a directory");
        await _pools.ReopenAsync();
        _handler = _pools.Handler();

        var stats = await SendAsync("GET", "/v2/queues/on-fragile/stats");
        Assert.Equal(503, stats.Status);
        Assert.Contains("pool", stats.Json.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(503, (await SendAsync("GET", "/v2/queues")).Status);
        var health = await SendAsync("GET", "/v2/health");
        Assert.Equal("faster", health.Json.GetProperty("storage").GetProperty("backend").GetString());

        // Back in place: the next request opens it, nothing was lost.
        File.Delete(directory);
        Directory.Move(directory + ".away", directory);
        var messages = await SendAsync("GET", "/v2/queues/on-fragile/messages?echo=true");
        Assert.Equal(200, messages.Status);
        Assert.Equal("\"kept\"", Assert.Single(messages.Json.GetProperty("messages").EnumerateArray()).GetProperty("body").GetRawText());
    }

    private async Task PutPoolAsync(string name, long weight)
    {
        var response = await SendAsync("PUT", $"/v2/pools/{name}", $$"""{"uri": "{{_pools.PoolUri(name)}}", "weight": {{weight}}}""");
        Assert.True(response.Status == 201, response.ToString());
    }

    private Task<ApiResponse> SendAsync(string method, string path, string? body = null) =>
        PoolingHarness.SendAsync(_handler, method, path, body, headers: [Admin]);
}
