using System.Text;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Redis;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine.Redis;

/// <summary>With <c>appendfsync always</c>, what Redis acknowledged survives redis-server being killed with SIGKILL.</summary>
public sealed class RedisAofRestartTests
{
    private static readonly Guid Client = Guid.Parse("33333333-3333-3333-3333-333333333333");

    [Fact]
    public async Task Acknowledged_posts_claims_and_deletions_survive_kill_9_of_redis()
    {
        using var redis = RedisServerProcess.Start(appendFsyncAlways: true);
        var options = new RedisQueueStoreOptions { KeyPrefix = "aof" };
        IReadOnlyList<string> ids;
        string claimId;
        await using (var store = await RedisQueueStore.ConnectAsync(redis.Endpoint, options))
        {
            var engine = new QueueEngine(store);
            var batch = Enumerable.Range(0, 5).Select(i => new NewMessage(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))).ToArray();
            ids = await engine.PostMessagesAsync("p", "q", batch, Client);
            Assert.True(await engine.DeleteMessageAsync("p", "q", ids[0]));
            var claim = await engine.ClaimMessagesAsync("p", "q", new ClaimOptions(Limit: 2));
            Assert.NotNull(claim);
            claimId = claim.ClaimId;
        }

        redis.KillAndRestart();

        await using (var store = await RedisQueueStore.ConnectAsync(redis.Endpoint, options))
        {
            var engine = new QueueEngine(store);
            var listed = await engine.ListMessagesAsync("p", "q", Guid.NewGuid(), new MessageListOptions { IncludeClaimed = true });
            Assert.Equal(ids.Skip(1), listed.Messages.Select(m => m.Id));
            var claim = await engine.GetClaimAsync("p", "q", claimId);
            Assert.Equal(ids.Skip(1).Take(2), claim.Messages.Select(m => m.Id));
            var stats = await engine.GetQueueStatsAsync("p", "q");
            Assert.Equal((2L, 2L), (stats.Claimed, stats.Free));
        }
    }
}
