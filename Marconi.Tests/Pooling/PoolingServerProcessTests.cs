using System.Net;
using System.Text;
using System.Text.Json;
using Marconi.Core.Storage;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;

namespace Marconi.Tests.Pooling;

/// <summary>
/// Pooling in the server binary: the admin endpoints behind --admin-mode, placement and routing across a real restart,
/// and a pool registered (201) just before SIGKILL still there afterwards.
/// </summary>
public sealed class PoolingServerProcessTests : IDisposable
{
    private const string ClientId = "3381af92-2b9e-11e3-b191-71861300734c";
    private static readonly string[] Pooled = ["--admin-mode", "on", "--pooling", "on"];
    private readonly TempDirectory _root = new("pooling-process");

    public PoolingServerProcessTests() => Directory.CreateDirectory(DataDir);

    // The server's working directory, so it must exist before the first start.
    private string DataDir => Path.Combine(_root.Path, "data");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Queues_are_placed_by_flavor_and_still_reach_their_pools_after_a_kill_and_restart()
    {
        string idA;
        using (var first = await RunningServer.StartAsync(DataDir, Pooled))
        {
            await ExpectAsync(first, HttpMethod.Put, "/v2/pools/a", HttpStatusCode.Created, $$"""{"uri": "{{PoolUri("a")}}", "weight": 1}""");
            await ExpectAsync(first, HttpMethod.Put, "/v2/pools/b", HttpStatusCode.Created, $$"""{"uri": "{{PoolUri("b")}}", "weight": 1}""");
            await ExpectAsync(first, HttpMethod.Put, "/v2/flavors/fa", HttpStatusCode.Created, """{"pool_list": ["a"]}""");
            await ExpectAsync(first, HttpMethod.Put, "/v2/flavors/fb", HttpStatusCode.Created, """{"pool_list": ["b"]}""");
            await ExpectAsync(first, HttpMethod.Put, "/v2/queues/qa", HttpStatusCode.Created, """{"_flavor": "fa"}""");
            await ExpectAsync(first, HttpMethod.Put, "/v2/queues/qb", HttpStatusCode.Created, """{"_flavor": "fb"}""");
            using var posted = await ExpectAsync(first, HttpMethod.Post, "/v2/queues/qa/messages", HttpStatusCode.Created, """{"messages": [{"body": "to-a", "ttl": 600}]}""");
            var href = posted.RootElement.GetProperty("resources")[0].GetString()!;
            idA = href[(href.LastIndexOf('/') + 1)..];
            await ExpectAsync(first, HttpMethod.Post, "/v2/queues/qb/messages", HttpStatusCode.Created, """{"messages": [{"body": "to-b", "ttl": 600}]}""");
            await KillAsync(first);
        }

        using (var second = await RunningServer.StartAsync(DataDir, Pooled))
        {
            using var message = await ExpectAsync(second, HttpMethod.Get, "/v2/queues/qa/messages/" + idA, HttpStatusCode.OK);
            Assert.Equal("to-a", message.RootElement.GetProperty("body").GetString());
            using var claim = await ExpectAsync(second, HttpMethod.Post, "/v2/queues/qb/claims", HttpStatusCode.Created, """{"ttl": 60, "grace": 60}""");
            Assert.Equal("to-b", claim.RootElement.GetProperty("messages")[0].GetProperty("body").GetString());
            using var pools = await ExpectAsync(second, HttpMethod.Get, "/v2/pools", HttpStatusCode.OK);
            Assert.Equal(["a", "b"], pools.RootElement.GetProperty("pools").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
            using var queues = await ExpectAsync(second, HttpMethod.Get, "/v2/queues", HttpStatusCode.OK);
            Assert.Equal(["qa", "qb"], queues.RootElement.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()));
            await KillAsync(second);
        }

        // Each queue's messages are in its pool's directory and nowhere else.
        await AssertQueueAsync(PoolDir("a"), "qa", "\"to-a\"");
        await AssertQueueAsync(PoolDir("b"), "qb", "\"to-b\"");
        await AssertQueueAsync(PoolDir("a"), "qb", null);
        await AssertQueueAsync(DataDir, "qa", null);
    }

    [Fact]
    public async Task A_pool_acknowledged_with_201_survives_sigkill_right_after()
    {
        using (var first = await RunningServer.StartAsync(DataDir, Pooled))
        {
            await ExpectAsync(first, HttpMethod.Put, "/v2/pools/fresh", HttpStatusCode.Created, $$$"""{"uri": "{{{PoolUri("fresh")}}}", "weight": 7, "options": {"note": "kept"}}""");
            await KillAsync(first);
        }

        using (var second = await RunningServer.StartAsync(DataDir, Pooled))
        {
            using var pool = await ExpectAsync(second, HttpMethod.Get, "/v2/pools/fresh?detailed=true", HttpStatusCode.OK);
            Assert.Equal(7, pool.RootElement.GetProperty("weight").GetInt64());
            Assert.Equal("kept", pool.RootElement.GetProperty("options").GetProperty("note").GetString());
            await ExpectAsync(second, HttpMethod.Put, "/v2/queues/after-kill", HttpStatusCode.Created);
            await ExpectAsync(second, HttpMethod.Post, "/v2/queues/after-kill/messages", HttpStatusCode.Created, """{"messages": [{"body": "placed"}]}""");
            await KillAsync(second);
        }

        await AssertQueueAsync(PoolDir("fresh"), "after-kill", "\"placed\"");
    }

    [Fact]
    public async Task Without_admin_mode_the_pools_are_404_and_with_it_non_admins_get_403()
    {
        using (var plain = await RunningServer.StartAsync(DataDir, ["--pooling", "on"]))
        {
            await ExpectAsync(plain, HttpMethod.Get, "/v2/pools", HttpStatusCode.NotFound);
            await ExpectAsync(plain, HttpMethod.Put, "/v2/flavors/f", HttpStatusCode.NotFound, """{"pool_list": ["x"]}""");
        }

        using var admin = await RunningServer.StartAsync(DataDir, Pooled);
        await ExpectAsync(admin, HttpMethod.Get, "/v2/pools", HttpStatusCode.Forbidden, roles: "member");
        await ExpectAsync(admin, HttpMethod.Get, "/v2/pools", HttpStatusCode.OK);
    }

    private string PoolDir(string name) => Path.Combine(_root.Path, name);

    private string PoolUri(string name) => new Uri(PoolDir(name)).AbsoluteUri;

    private static async Task KillAsync(RunningServer server)
    {
        server.Process.Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await server.Process.WaitForExitAsync(timeout.Token);
    }

    private static async Task AssertQueueAsync(string directory, string queue, string? body)
    {
        await using var store = await FasterQueueStore.OpenAsync(directory);
        if (body is null)
        {
            Assert.Null(await store.GetQueueMetadataAsync("pool-project", queue, CancellationToken.None));
            return;
        }

        var page = await store.ListMessagesAsync("pool-project", queue, new MessageQuery(null, 10, Guid.NewGuid(), Echo: true, IncludeClaimed: true, IncludeDelayed: true), CancellationToken.None);
        Assert.Equal(body, Encoding.UTF8.GetString(Assert.Single(page.Messages).Body.Span));
    }

    private static async Task<JsonDocument> ExpectAsync(RunningServer server, HttpMethod method, string path, HttpStatusCode status, string? body = null, string roles = "admin")
    {
        using var request = new HttpRequestMessage(method, server.Url + path);
        request.Headers.Add("Client-ID", ClientId);
        request.Headers.Add("X-Project-ID", "pool-project");
        request.Headers.Add("X-Roles", roles);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
    }
}
