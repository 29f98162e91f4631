using System.Collections.Concurrent;
using System.Net;
using Marconi.Tests.Support;

namespace Marconi.Tests.Scale;

/// <summary>
/// Several server processes on one real redis-server: they serve the same queues, claims stay exclusive across
/// processes, and neither a server's nor Redis's kill -9 loses an acknowledged (201) message.
/// </summary>
public sealed class MultiNodeTests
{
    [Fact]
    public async Task A_message_posted_on_one_node_is_listed_and_claimed_on_another()
    {
        await using var deployment = await ScaleDeployment.StartAsync(nodes: 3);
        var (a, b, c) = (deployment.Nodes[0], deployment.Nodes[1], deployment.Nodes[2]);

        var (status, ids) = await ZaqarCalls.PostAsync(a.Http, a.Url, "shared", ["one", "two", "three"]);
        Assert.Equal(HttpStatusCode.Created, status);

        var listed = await ZaqarCalls.ListAllAsync(b.Http, b.Url, "shared");
        Assert.Equal(ids.Order(), listed.Keys.Order());
        Assert.Equal("two", listed[ids[1]]);

        var claimed = await ZaqarCalls.ClaimAsync(c.Http, c.Url, "shared", 10);
        Assert.Equal(ids.Order(), claimed.Select(m => m.Id).Order());
        Assert.Empty(await ZaqarCalls.ClaimAsync(a.Http, a.Url, "shared", 10));

        // The claim made on C is honoured on B: deleting without it is refused, with it accepted.
        Assert.Equal(HttpStatusCode.Forbidden, await ZaqarCalls.SendAsync(b.Http, HttpMethod.Delete, $"{b.Url}/v2/queues/shared/messages/{ids[0]}"));
        foreach (var (_, href) in claimed)
        {
            Assert.Equal(HttpStatusCode.NoContent, await ZaqarCalls.SendAsync(b.Http, HttpMethod.Delete, b.Url + href));
        }

        Assert.Empty(await ZaqarCalls.ListAllAsync(a.Http, a.Url, "shared"));
    }

    [Fact]
    public async Task Concurrent_claimers_on_different_nodes_never_get_the_same_message()
    {
        const int Messages = 300;
        await using var deployment = await ScaleDeployment.StartAsync(nodes: 3);
        var posted = new HashSet<string>(StringComparer.Ordinal);
        for (var batch = 0; batch < Messages / 10; batch++)
        {
            var node = deployment.Nodes[batch % 3];
            var (status, ids) = await ZaqarCalls.PostAsync(node.Http, node.Url, "work", [.. Enumerable.Range(0, 10).Select(i => $"m{batch}-{i}")]);
            Assert.Equal(HttpStatusCode.Created, status);
            posted.UnionWith(ids);
        }

        Assert.Equal(Messages, posted.Count);

        // Two claimers per node, each claiming, recording and deleting until the queue is empty (bounded rounds).
        var claims = new ConcurrentBag<string>();
        var claimers = Enumerable.Range(0, 6).Select(async worker =>
        {
            var node = deployment.Nodes[worker % 3];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            for (var round = 0; round < Messages; round++)
            {
                var claimed = await ZaqarCalls.ClaimAsync(http, node.Url, "work", 7);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var (id, href) in claimed)
                {
                    claims.Add(id);
                    Assert.Equal(HttpStatusCode.NoContent, await ZaqarCalls.SendAsync(http, HttpMethod.Delete, node.Url + href));
                }
            }
        });
        await Task.WhenAll(claimers);

        // Every message claimed exactly once: no duplicates, none missed.
        Assert.Equal(Messages, claims.Count);
        Assert.Equal(posted.Order(), claims.Order());
        Assert.Empty(await ZaqarCalls.ListAllAsync(deployment.Nodes[1].Http, deployment.Nodes[1].Url, "work"));
    }

    [Fact]
    public async Task Killing_one_server_during_posts_loses_no_acknowledged_message()
    {
        await using var deployment = await ScaleDeployment.StartAsync(nodes: 3);
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var victim = deployment.Nodes[0];

        var posters = Enumerable.Range(0, 3).Select(async worker =>
        {
            var node = deployment.Nodes[worker];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            // The victim's poster runs until its node dies (bounded at 5000); the others post 200 each.
            for (var i = 0; i < (node == victim ? 5000 : 200); i++)
            {
                var body = $"w{worker}-{i}";
                try
                {
                    var (status, ids) = await ZaqarCalls.PostAsync(http, node.Url, "survive", [body]);
                    if (status == HttpStatusCode.Created)
                    {
                        acknowledged[ids[0]] = body;
                    }
                }
                catch (HttpRequestException) when (node == victim)
                {
                    return; // the killed node: whatever it did not acknowledge is not owed
                }

                if (worker == 1 && i == 60)
                {
                    victim.Process.Kill(); // SIGKILL, while the victim's poster has a request in flight or about to
                }
            }
        });
        await Task.WhenAll(posters);

        Assert.True(victim.Process.HasExited);
        Assert.True(acknowledged.Count >= 400, $"only {acknowledged.Count} posts were acknowledged");
        var survivor = deployment.Nodes[2];
        var listed = await ZaqarCalls.ListAllAsync(survivor.Http, survivor.Url, "survive");
        foreach (var (id, body) in acknowledged)
        {
            Assert.True(listed.TryGetValue(id, out var stored), $"acknowledged message {id} ({body}) is missing");
            Assert.Equal(body, stored);
        }
    }

    [Fact]
    public async Task Restarting_redis_with_aof_keeps_every_acknowledged_message()
    {
        await using var deployment = await ScaleDeployment.StartAsync(nodes: 2);
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var refused = 0;
        var restarted = false;

        // Posts keep coming while Redis is killed and started again: some fail (503 or a dropped connection), and
        // every one answered 201 must be in the AOF.
        var posters = Enumerable.Range(0, 2).Select(async worker =>
        {
            var node = deployment.Nodes[worker];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; i < 150; i++)
            {
                var body = $"w{worker}-{i}";
                try
                {
                    var (status, ids) = await ZaqarCalls.PostAsync(http, node.Url, "aof", [body]);
                    if (status == HttpStatusCode.Created)
                    {
                        acknowledged[ids[0]] = body;
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref refused);
                }

                if (worker == 0 && i == 50)
                {
                    deployment.Redis.KillAndRestart();
                    Volatile.Write(ref restarted, true);
                }
            }
        });
        await Task.WhenAll(posters);
        Assert.True(Volatile.Read(ref restarted));

        // Both nodes reconnect on their own; then everything acknowledged is listed, from either node.
        foreach (var node in deployment.Nodes)
        {
            var listed = await ListWhenReachableAsync(node);
            foreach (var (id, body) in acknowledged)
            {
                Assert.True(listed.TryGetValue(id, out var stored), $"acknowledged message {id} ({body}) is missing after the Redis restart");
                Assert.Equal(body, stored);
            }
        }

        Assert.True(acknowledged.Count >= 51, $"only {acknowledged.Count} posts were acknowledged ({refused} refused)");
    }

    [Fact]
    public async Task While_redis_is_down_a_server_answers_503_without_redis_diagnostics_and_serves_again_after()
    {
        await using var deployment = await ScaleDeployment.StartAsync(nodes: 1);
        var node = deployment.Nodes[0];
        var (posted, ids) = await ZaqarCalls.PostAsync(node.Http, node.Url, "down", ["before"]);
        Assert.Equal(HttpStatusCode.Created, posted);

        deployment.Redis.Kill();
        using (var request = ZaqarCalls.Request(HttpMethod.Post, $"{node.Url}/v2/queues/down/messages", """{"messages":[{"body":"during"}]}"""))
        using (var response = await node.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("Redis", body, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        }

        deployment.Redis.StartAgain();
        var listed = await ListWhenReachableAsync(node, "down");
        Assert.Equal("before", listed[ids[0]]);
        Assert.Equal(HttpStatusCode.Created, (await ZaqarCalls.PostAsync(node.Http, node.Url, "down", ["after"])).Status);
    }

    private static async Task<Dictionary<string, string>> ListWhenReachableAsync(RunningServer node, string queue = "aof")
    {
        // Bounded: StackExchange.Redis reconnects within seconds; 60 tries 500 ms apart while the node answers 503.
        var url = $"{node.Url}/v2/queues/{queue}/stats";
        for (var attempt = 0; attempt < 60 && await ZaqarCalls.SendAsync(node.Http, HttpMethod.Get, url) == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            await Task.Delay(500);
        }

        return await ZaqarCalls.ListAllAsync(node.Http, node.Url, queue);
    }
}
