using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Scale;

/// <summary>
/// The Redis store on a real three-shard Redis Cluster: projects spread over the shards, and on each of them the
/// operations that touch two queues or the catalog (a dead-letter move, a queue's creation) work, every key of a
/// project in its one slot.
/// </summary>
public sealed class RedisClusterShardsTests : EngineTestBase
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;

    [Fact]
    public async Task Projects_spread_over_the_shards_and_dead_letter_moves_work_on_each()
    {
        var before = RedisClusterProcesses.Shared.KeyCounts();
        for (var p = 0; p < 24; p++)
        {
            var project = $"tenant-{p}";
            Assert.True(await Engine.CreateQueueAsync(project, "work", Utf8("""{"_max_claim_count":1,"_dead_letter_queue":"dead"}""")));
            var ids = await PostNumberedAsync("work", 2, project: project);

            var claim = await Engine.ClaimMessagesAsync(project, "work", new ClaimOptions(Limit: 10));
            Assert.Equal(ids.Order(), claim!.Messages.Select(m => m.Id).Order());
            Assert.True(await Engine.ReleaseClaimAsync(project, "work", claim.ClaimId));

            // Claimed once already: the next claim moves both to the dead-letter queue (created by the move).
            Assert.Null(await Engine.ClaimMessagesAsync(project, "work"));
            Assert.Equal([0, 1], (await ListAllAsync("dead", project)).Select(N).Order());
            Assert.Empty(await ListAllAsync("work", project));
            Assert.Equal(["dead", "work"], (await Engine.ListQueuesAsync(project)).Queues.Select(q => q.Name));
        }

        // Every shard took some of the projects' keys.
        var after = RedisClusterProcesses.Shared.KeyCounts();
        for (var shard = 0; shard < after.Count; shard++)
        {
            Assert.True(after[shard] > before[shard], $"shard {shard} holds no new key ({before[shard]} before, {after[shard]} after)");
        }
    }
}

/// <summary>Two server processes whose <c>--store</c> names one shard of the three-shard cluster: they find the others.</summary>
public sealed class RedisClusterServersTests
{
    [Fact]
    public async Task Servers_given_one_seed_serve_a_queue_whose_slot_is_on_any_shard()
    {
        var cluster = RedisClusterProcesses.Shared;
        using var directory = new TempDirectory("cluster-servers");
        var store = $"redis://{cluster.Nodes[0].Endpoint},prefix=servers-{Guid.NewGuid():N}";
        using var a = await RunningServer.StartAsync(Directory.CreateDirectory(Path.Combine(directory.Path, "a")).FullName, ["--store", store]);
        using var b = await RunningServer.StartAsync(Directory.CreateDirectory(Path.Combine(directory.Path, "b")).FullName, ["--store", store]);

        // ZaqarCalls' project hashes to one slot; posting to it and claiming through the other server crosses
        // whichever shard holds it, reached from the seed by StackExchange.Redis's cluster routing.
        var (status, ids) = await ZaqarCalls.PostAsync(a.Http, a.Url, "sharded", ["x", "y"]);
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        Assert.Equal(ids.Order(), (await ZaqarCalls.ListAllAsync(b.Http, b.Url, "sharded")).Keys.Order());
        Assert.Equal(ids.Order(), (await ZaqarCalls.ClaimAsync(b.Http, b.Url, "sharded", 10)).Select(m => m.Id).Order());
        Assert.Empty(await ZaqarCalls.ClaimAsync(a.Http, a.Url, "sharded", 10));
    }
}
