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
