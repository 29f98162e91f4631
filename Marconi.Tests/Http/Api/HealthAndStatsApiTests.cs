using System.Text.Json;
using Marconi.Core.Model;
using Marconi.Http.Api;
using Marconi.Http.Hosting;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Api;

/// <summary>/v2/health with the store's own report, and GET /v2/stats: totals, per-queue counts, paging, isolation.</summary>
public sealed class HealthAndStatsApiTests : ApiTestBase
{
    [Fact]
    public async Task Health_keeps_zaqars_fields_and_adds_what_the_store_reports()
    {
        await PostNumberedAsync("health", 5);

        var response = await GetAsync("/v2/health");

        Assert.Equal(200, response.Status);
        var json = response.Json;
        Assert.True(json.GetProperty("storage_reachable").GetBoolean());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("operation_status").ValueKind);
        var storage = json.GetProperty("storage");
        Assert.Equal("faster", storage.GetProperty("backend").GetString());
        Assert.Equal("ok", storage.GetProperty("status").GetString());
        var logSize = storage.GetProperty("log_size_bytes").GetInt64();
        Assert.True(logSize > 0, response.Text);
        Assert.Equal(Harness.Store.GetStatistics().LogSizeBytes, logSize);
        Assert.True(storage.GetProperty("disk_bytes").GetInt64() > 0, response.Text);
        var free = storage.GetProperty("free_disk_bytes").GetInt64();
        Assert.True(free > 0, response.Text);
        Assert.True(free <= new DriveInfo(Harness.Directory).TotalSize, response.Text);
        var latency = storage.GetProperty("commit_latency");
        Assert.True(latency.GetProperty("samples").GetInt32() >= 1, response.Text);
        var p99 = latency.GetProperty("p99_seconds").GetDouble();
        var max = latency.GetProperty("max_seconds").GetDouble();
        Assert.True(p99 > 0 && p99 <= max, response.Text);
        Assert.True(latency.GetProperty("avg_seconds").GetDouble() <= max, response.Text);
    }

    [Fact]
    public async Task Health_log_size_grows_with_writes()
    {
        var before = (await GetAsync("/v2/health")).Json.GetProperty("storage").GetProperty("log_size_bytes").GetInt64();
        await PostNumberedAsync("growing", 10);
        var after = (await GetAsync("/v2/health")).Json.GetProperty("storage").GetProperty("log_size_bytes").GetInt64();
        Assert.True(after > before, $"{before} -> {after}");
    }

    [Fact]
    public async Task V1_1_health_has_the_same_body_and_v1_stays_204()
    {
        var v11 = await GetAsync("/v1.1/health");
        Assert.Equal(200, v11.Status);
        Assert.Equal("faster", v11.Json.GetProperty("storage").GetProperty("backend").GetString());
        Assert.Equal(204, (await GetAsync("/v1/health")).Status);
        Assert.Equal(204, (await GetAsync("/v2/ping")).Status);
    }

    [Fact]
    public async Task Stats_count_the_projects_queues_and_messages_free_and_claimed()
    {
        await PostNumberedAsync("alpha", 5);
        await PostNumberedAsync("beta", 3);
        await PutQueueAsync("empty");
        var claim = await SendAsync("POST", "/v2/queues/alpha/claims?limit=2", """{"ttl":60,"grace":60}""");
        Assert.Equal(201, claim.Status);

        var response = await GetAsync("/v2/stats");

        Assert.Equal(200, response.Status);
        var json = response.Json;
        var totals = json.GetProperty("totals");
        Assert.Equal(3, totals.GetProperty("queues").GetInt64());
        AssertMessages(totals, free: 6, claimed: 2);
        var queues = json.GetProperty("queues").EnumerateArray().ToList();
        Assert.Equal(["alpha", "beta", "empty"], queues.Select(q => q.GetProperty("name").GetString()!));
        AssertMessages(queues[0], free: 3, claimed: 2);
        AssertMessages(queues[1], free: 3, claimed: 0);
        AssertMessages(queues[2], free: 0, claimed: 0);
        Assert.Equal("/v2/queues/alpha/stats", queues[0].GetProperty("href").GetString());
        Assert.Empty(json.GetProperty("links").EnumerateArray());

        // The claim expires on the engine's clock: its messages count as free again.
        Advance(61);
        AssertMessages((await GetAsync("/v2/stats")).Json.GetProperty("totals"), free: 8, claimed: 0);
    }

    [Fact]
    public async Task Stats_are_paged_while_the_totals_cover_every_queue()
    {
        for (var i = 0; i < 7; i++)
        {
            await PostNumberedAsync($"q{i}", 1);
        }

        var names = new List<string>();
        var url = "/v2/stats?limit=3";
        for (var page = 0; page < 10 && url is not null; page++)
        {
            var json = (await GetAsync(url)).Json;
            Assert.Equal(7, json.GetProperty("totals").GetProperty("queues").GetInt64());
            AssertMessages(json.GetProperty("totals"), free: 7, claimed: 0);
            var pageNames = json.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()!).ToList();
            Assert.True(pageNames.Count <= 3);
            names.AddRange(pageNames);
            url = json.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("href").GetString()).FirstOrDefault();
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"q{i}"), names);
    }

    [Fact]
    public async Task Stats_of_a_project_never_count_another_projects_queues()
    {
        await PostNumberedAsync("mine", 4);
        await PostNumberedAsync("theirs", 9, project: OtherProject);
        await PostNumberedAsync("mine", 2, project: OtherProject);

        var json = (await GetAsync("/v2/stats")).Json;
        Assert.Equal(1, json.GetProperty("totals").GetProperty("queues").GetInt64());
        AssertMessages(json.GetProperty("totals"), free: 4, claimed: 0);
        Assert.Equal(["mine"], json.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()!));

        var other = (await GetAsync("/v2/stats", project: OtherProject)).Json;
        Assert.Equal(2, other.GetProperty("totals").GetProperty("queues").GetInt64());
        AssertMessages(other.GetProperty("totals"), free: 11, claimed: 0);

        var nobody = (await GetAsync("/v2/stats", project: "project-without-queues")).Json;
        Assert.Equal(0, nobody.GetProperty("totals").GetProperty("queues").GetInt64());
        Assert.Empty(nobody.GetProperty("queues").EnumerateArray());
    }

    [Theory]
    [InlineData("/v2/stats?limit=0")]
    [InlineData("/v2/stats?limit=101")]
    [InlineData("/v2/stats?limit=ten")]
    [InlineData("/v2/stats?marker=not%20a%20name")]
    public async Task Stats_refuse_bad_paging_with_400(string url)
    {
        AssertError(await GetAsync(url), 400);
    }

    [Fact]
    public async Task Stats_need_the_usual_headers_and_only_get()
    {
        var noProject = await SendAsync("GET", "/v2/stats", headers: ("X-Project-ID", null));
        AssertError(noProject, 400);
        AssertError(await SendAsync("POST", "/v2/stats", "{}"), 405);
        AssertError(await GetAsync("/v1.1/stats"), 404);
    }

    private static void AssertMessages(JsonElement element, long free, long claimed)
    {
        var messages = element.GetProperty("messages");
        Assert.Equal(free, messages.GetProperty("free").GetInt64());
        Assert.Equal(claimed, messages.GetProperty("claimed").GetInt64());
        Assert.Equal(free + claimed, messages.GetProperty("total").GetInt64());
    }
}

/// <summary>/v2/health over the Redis store: it reports its status and round trip (Garnet in-process, and redis-server).</summary>
public sealed class RedisHealthApiTests
{
    [Theory]
    [InlineData("garnet")]
    [InlineData("redis-server")]
    public async Task Health_reports_the_redis_store(string backend)
    {
        await using var harness = await EngineHarness.CreateAsync(backend: backend == "garnet" ? StoreBackend.Garnet : StoreBackend.RedisServer);
        await harness.Engine.PostMessagesAsync("redis-health", "q", [new NewMessage("1"u8.ToArray(), 300)], Guid.NewGuid());
        var handler = new ZaqarApiHandler(harness.Engine);
        var response = new HttpResponse();
        await handler.HandleAsync(
            new HttpRequest("GET", "/v2/health", "", [new("Client-ID", Guid.NewGuid().ToString()), new("X-Project-ID", "redis-health")], default),
            response,
            CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        using var document = JsonDocument.Parse(response.Body.WrittenMemory);
        Assert.True(document.RootElement.GetProperty("storage_reachable").GetBoolean());
        var storage = document.RootElement.GetProperty("storage");
        Assert.Equal("redis", storage.GetProperty("backend").GetString());
        Assert.Equal("ok", storage.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, storage.GetProperty("free_disk_bytes").ValueKind);
        var latency = storage.GetProperty("commit_latency");
        Assert.Equal(1, latency.GetProperty("samples").GetInt32());
        Assert.True(latency.GetProperty("last_seconds").GetDouble() >= 0);
    }
}
