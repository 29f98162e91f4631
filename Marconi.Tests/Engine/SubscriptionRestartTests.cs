using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>Subscriptions survive closing and reopening the FASTER store, with and without a checkpoint.</summary>
public sealed class SubscriptionRestartTests : EngineTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Subscriptions_survive_a_restart(bool checkpoint)
    {
        var kept = (await SubscribeAsync("http://127.0.0.1/kept", ttl: 600, options: """{"x": 1}""")).Subscription.Id;
        var updated = (await SubscribeAsync("http://127.0.0.1/updated")).Subscription.Id;
        var deleted = (await SubscribeAsync("http://127.0.0.1/deleted")).Subscription.Id;
        var purged = (await SubscribeAsync("http://127.0.0.1/purged", queue: "other")).Subscription.Id;
        await Engine.UpdateSubscriptionAsync(Project, "q", updated, new SubscriptionChanges(Subscriber: "mailto:u@example.test", Ttl: 900, Confirmed: true));
        await Engine.DeleteSubscriptionAsync(Project, "q", deleted);
        await Engine.PurgeSubscriptionsAsync(Project, "other");
        if (checkpoint)
        {
            await Harness.Store.CheckpointAsync();
        }

        var late = (await SubscribeAsync("http://127.0.0.1/late")).Subscription.Id;
        Advance(10);

        await Harness.ReopenAsync();

        Assert.Equal(checkpoint, Harness.Store.Recovery.CheckpointLoaded);
        var page = await Engine.ListSubscriptionsAsync(Project, "q");
        Assert.Equal([kept, updated, late], page.Subscriptions.Select(s => s.Id));
        var k = page.Subscriptions[0];
        Assert.Equal(("http://127.0.0.1/kept", 600L, 10L, """{"x": 1}""", false), (k.Subscriber, k.Ttl, k.Age, Text(k.Options), k.Confirmed));
        var u = page.Subscriptions[1];
        Assert.Equal(("mailto:u@example.test", 900L, true), (u.Subscriber, u.Ttl, u.Confirmed));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(Project, "other", purged));
        await AssertQueueError(QueueErrorKind.Conflict, () => new ValueTask<SubscriptionCreation>(SubscribeAsync("mailto:u@example.test")));

        // Ids keep growing past the recovered ones.
        var next = (await SubscribeAsync("http://127.0.0.1/next")).Subscription.Id;
        Assert.True(string.CompareOrdinal(next, late) > 0);
    }

    [Fact]
    public async Task Expired_subscriptions_stay_gone_after_a_restart()
    {
        var id = (await SubscribeAsync(ttl: 60)).Subscription.Id;
        Advance(61);

        await Harness.ReopenAsync();

        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(Project, "q", id));
        Assert.True((await SubscribeAsync()).Created);
    }
}
