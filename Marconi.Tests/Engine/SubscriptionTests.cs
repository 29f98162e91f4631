using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>Subscriptions: Zaqar's validation, uniqueness per subscriber, ttl, paging, updates, isolation, durability.</summary>
public class SubscriptionTests : EngineTestBase
{
    [Fact]
    public async Task Create_stores_the_subscription_with_defaults_and_creates_the_queue()
    {
        var creation = await SubscribeAsync();

        Assert.True(creation.Created);
        Assert.True(await Engine.QueueExistsAsync(Project, "q"));
        var stored = await Engine.GetSubscriptionAsync(Project, "q", creation.Subscription.Id);
        Assert.Equal(creation.Subscription.Id, stored.Id);
        Assert.Equal("q", stored.Queue);
        Assert.Equal(Hook, stored.Subscriber);
        Assert.Equal(3600, stored.Ttl);
        Assert.Equal(0, stored.Age);
        Assert.Equal("{}", Text(stored.Options));
        Assert.False(stored.Confirmed);
    }

    [Fact]
    public async Task Options_are_kept_as_given()
    {
        var creation = await SubscribeAsync(options: """{"a": [1, {"b": null}], "_retry_policy": {"minimum_delay": 1, "maximum_delay": 11}}""");

        var stored = await Engine.GetSubscriptionAsync(Project, "q", creation.Subscription.Id);

        Assert.Equal("""{"a": [1, {"b": null}], "_retry_policy": {"minimum_delay": 1, "maximum_delay": 11}}""", Text(stored.Options));
    }

    [Fact]
    public async Task Subscribing_again_returns_the_unconfirmed_subscription_and_conflicts_once_confirmed()
    {
        var first = await SubscribeAsync(ttl: 600);

        var again = await SubscribeAsync(ttl: 900);

        Assert.False(again.Created);
        Assert.Equal(first.Subscription.Id, again.Subscription.Id);
        Assert.Equal(600, again.Subscription.Ttl);
        await Engine.UpdateSubscriptionAsync(Project, "q", first.Subscription.Id, new SubscriptionChanges(Confirmed: true));
        Assert.True((await Engine.GetSubscriptionAsync(Project, "q", first.Subscription.Id)).Confirmed);
        var conflict = await AssertQueueError(QueueErrorKind.Conflict, () => new ValueTask<SubscriptionCreation>(SubscribeAsync()));
        Assert.Equal("subscriber", conflict.Field);
    }

    [Fact]
    public async Task The_same_subscriber_may_subscribe_to_other_queues_and_in_other_projects()
    {
        var a = await SubscribeAsync(queue: "q1");
        var b = await SubscribeAsync(queue: "q2");
        var c = await SubscribeAsync(queue: "q1", project: OtherProject);

        Assert.True(a.Created && b.Created && c.Created);
        Assert.Equal(3, new[] { a, b, c }.Select(x => x.Subscription.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("http://example.test/x")]
    [InlineData("https://example.test:8443/x?y=1")]
    [InlineData("HTTPS://example.test")]
    [InlineData("mailto:ops@example.test")]
    [InlineData("trust+http://example.test/x")]
    [InlineData("trust+https://example.test/x")]
    public async Task Accepted_subscribers(string subscriber) =>
        Assert.True((await SubscribeAsync(subscriber)).Created);

    [Theory]
    [InlineData("")]
    [InlineData("example.test/x")]
    [InlineData("ftp://example.test/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http:")]
    [InlineData("http://")]
    [InlineData("mailto:")]
    [InlineData("1http://example.test")]
    public async Task Rejected_subscribers(string subscriber) =>
        await AssertInvalid("subscriber", () => new ValueTask<SubscriptionCreation>(SubscribeAsync(subscriber)));

    [Fact]
    public async Task Subscriber_types_come_from_the_limits()
    {
        await using var harness = await EngineHarness.CreateAsync(new QueueLimits { SubscriberTypes = ["https"] }, backend: Backend);

        await harness.Engine.CreateSubscriptionAsync(Project, "q", "https://example.test");
        var error = await AssertQueueError(QueueErrorKind.InvalidArgument, () => harness.Engine.CreateSubscriptionAsync(Project, "q", Hook));
        Assert.Equal("The subscriber type of subscription must be supported in the list ['https'].", error.Message);
    }

    [Theory]
    [InlineData(59, false)]
    [InlineData(60, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(31_536_000_000, true)]
    [InlineData(long.MaxValue, false)]
    [InlineData(300_000_000_000, false)]
    public async Task Ttl_bounds(long ttl, bool accepted)
    {
        if (accepted)
        {
            Assert.Equal(ttl, (await SubscribeAsync(ttl: ttl)).Subscription.Ttl);
        }
        else
        {
            await AssertInvalid("ttl", () => new ValueTask<SubscriptionCreation>(SubscribeAsync(ttl: ttl)));
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("1")]
    [InlineData("\"x\"")]
    [InlineData("{")]
    [InlineData("""{"_retry_policy": []}""")]
    [InlineData("""{"_retry_policy": {"minimum_delay": "5"}}""")]
    [InlineData("""{"_retry_policy": {"retries_with_no_delay": 1.5}}""")]
    [InlineData("""{"_retry_policy": {"retry_backoff_function": 1}}""")]
    [InlineData("""{"_retry_policy": {"retry_backoff_function": "cubic"}}""")]
    [InlineData("""{"_retry_policy": {"ignore_subscription_override": "yes"}}""")]
    [InlineData("""{"_retry_policy": {"minimum_delay": 40}}""")]
    [InlineData("""{"_retry_policy": {"minimum_delay": 25}}""")]
    [InlineData("""{"_retry_policy": {"minimum_delay": 10, "maximum_delay": 19}}""")]
    public async Task Rejected_options(string options) =>
        await AssertQueueError(QueueErrorKind.InvalidArgument, () => new ValueTask<SubscriptionCreation>(SubscribeAsync(options: options)));

    [Fact]
    public async Task A_valid_retry_policy_is_accepted()
    {
        var creation = await SubscribeAsync(options: """{"_retry_policy": {"retries_with_no_delay": 2, "minimum_delay": 10, "maximum_delay": 20, "retry_backoff_function": "exponential", "ignore_subscription_override": true}}""");

        Assert.True(creation.Created);
    }

    [Fact]
    public async Task Options_larger_than_the_metadata_limit_exceed_it()
    {
        var options = "{\"x\":\"" + new string('a', 64 * 1024) + "\"}";

        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => new ValueTask<SubscriptionCreation>(SubscribeAsync(options: options)));

        Assert.Equal("options", error.Field);
    }

    [Fact]
    public async Task A_subscription_expires_after_its_ttl_and_its_subscriber_can_subscribe_again()
    {
        var first = await SubscribeAsync(ttl: 60);
        Advance(59);
        Assert.Equal(59, (await Engine.GetSubscriptionAsync(Project, "q", first.Subscription.Id)).Age);

        Advance(1);

        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(Project, "q", first.Subscription.Id));
        Assert.Empty((await Engine.ListSubscriptionsAsync(Project, "q")).Subscriptions);
        Assert.False(await Engine.DeleteSubscriptionAsync(Project, "q", first.Subscription.Id));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateSubscriptionAsync(Project, "q", first.Subscription.Id, new SubscriptionChanges(Ttl: 600)));
        var second = await SubscribeAsync();
        Assert.True(second.Created);
        Assert.NotEqual(first.Subscription.Id, second.Subscription.Id);
    }

    [Fact]
    public async Task Listing_pages_oldest_first_with_markers()
    {
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add((await SubscribeAsync($"http://127.0.0.1/{i}")).Subscription.Id);
        }

        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        while (true)
        {
            var page = await Engine.ListSubscriptionsAsync(Project, "q", marker, limit: 10);
            if (page.Subscriptions.Count == 0)
            {
                Assert.Null(page.NextMarker);
                break;
            }

            pages++;
            seen.AddRange(page.Subscriptions.Select(s => s.Id));
            Assert.Equal(page.Subscriptions[^1].Id, page.NextMarker);
            marker = page.NextMarker;
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);
        Assert.Equal(10, (await Engine.ListSubscriptionsAsync(Project, "q")).Subscriptions.Count);
    }

    [Fact]
    public async Task A_deleted_marker_still_pages_from_its_position()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await SubscribeAsync($"http://127.0.0.1/{i}")).Subscription.Id);
        }

        await Engine.DeleteSubscriptionAsync(Project, "q", ids[1]);

        var page = await Engine.ListSubscriptionsAsync(Project, "q", ids[1]);
        Assert.Equal([ids[2]], page.Subscriptions.Select(s => s.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public async Task Listing_limit_bounds(int limit) =>
        await AssertInvalid("limit", () => Engine.ListSubscriptionsAsync(Project, "q", limit: limit));

    [Fact]
    public async Task Listing_a_missing_queue_is_empty_and_a_malformed_marker_is_invalid()
    {
        Assert.Empty((await Engine.ListSubscriptionsAsync(Project, "missing")).Subscriptions);
        await SubscribeAsync();
        await AssertInvalid("marker", () => Engine.ListSubscriptionsAsync(Project, "q", "not-an-id"));
    }

    [Fact]
    public async Task Update_changes_subscriber_ttl_and_options_and_restarts_the_age_with_a_new_ttl()
    {
        var id = (await SubscribeAsync(ttl: 600)).Subscription.Id;
        Advance(100);

        await Engine.UpdateSubscriptionAsync(Project, "q", id, new SubscriptionChanges(Subscriber: "mailto:a@example.test", Options: Utf8("""{"k": 1}""")));
        var renamed = await Engine.GetSubscriptionAsync(Project, "q", id);
        Assert.Equal("mailto:a@example.test", renamed.Subscriber);
        Assert.Equal("""{"k": 1}""", Text(renamed.Options));
        Assert.Equal(100, renamed.Age);

        await Engine.UpdateSubscriptionAsync(Project, "q", id, new SubscriptionChanges(Ttl: 120));
        var renewed = await Engine.GetSubscriptionAsync(Project, "q", id);
        Assert.Equal(120, renewed.Ttl);
        Assert.Equal(0, renewed.Age);

        // The old subscriber is free again; the new one is taken.
        Assert.True((await SubscribeAsync()).Created);
        Assert.False((await SubscribeAsync("mailto:a@example.test")).Created);
    }

    [Fact]
    public async Task Update_to_another_subscriptions_subscriber_conflicts()
    {
        var first = (await SubscribeAsync()).Subscription.Id;
        var second = (await SubscribeAsync("http://127.0.0.1/other")).Subscription.Id;

        await AssertQueueError(QueueErrorKind.Conflict, () => Engine.UpdateSubscriptionAsync(Project, "q", second, new SubscriptionChanges(Subscriber: Hook)));
        await Engine.UpdateSubscriptionAsync(Project, "q", first, new SubscriptionChanges(Subscriber: Hook));

        Assert.Equal("http://127.0.0.1/other", (await Engine.GetSubscriptionAsync(Project, "q", second)).Subscriber);
    }

    [Fact]
    public async Task Update_errors()
    {
        var id = (await SubscribeAsync()).Subscription.Id;

        await AssertInvalid("subscription", () => Engine.UpdateSubscriptionAsync(Project, "q", id, new SubscriptionChanges()));
        await AssertInvalid("subscriber", () => Engine.UpdateSubscriptionAsync(Project, "q", id, new SubscriptionChanges(Subscriber: "ftp://x")));
        await AssertInvalid("ttl", () => Engine.UpdateSubscriptionAsync(Project, "q", id, new SubscriptionChanges(Ttl: 10)));
        await AssertQueueError(QueueErrorKind.InvalidArgument, () => Engine.UpdateSubscriptionAsync(Project, "q", id, new SubscriptionChanges(Options: Utf8("[1]"))));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateSubscriptionAsync(Project, "q", "0000000000000001deadbeef", new SubscriptionChanges(Ttl: 100)));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateSubscriptionAsync(Project, "missing", id, new SubscriptionChanges(Ttl: 100)));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(Project, "q", "nope"));
    }

    [Fact]
    public async Task Delete_purge_and_queue_deletion()
    {
        var a = (await SubscribeAsync("http://127.0.0.1/a")).Subscription.Id;
        var b = (await SubscribeAsync("http://127.0.0.1/b")).Subscription.Id;
        await PostAsync("q", "{}");

        Assert.True(await Engine.DeleteSubscriptionAsync(Project, "q", a));
        Assert.False(await Engine.DeleteSubscriptionAsync(Project, "q", a));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(Project, "q", a));

        await Engine.PurgeQueueAsync(Project, "q");
        Assert.Equal(b, (await Engine.GetSubscriptionAsync(Project, "q", b)).Id);
        Assert.Empty(await AllIdsAsync("q"));

        await PostAsync("q", "{}");
        await Engine.PurgeSubscriptionsAsync(Project, "q");
        Assert.Empty((await Engine.ListSubscriptionsAsync(Project, "q")).Subscriptions);
        Assert.Single(await AllIdsAsync("q"));

        var c = (await SubscribeAsync("http://127.0.0.1/c")).Subscription.Id;
        await Engine.DeleteQueueAsync(Project, "q");
        await Engine.CreateQueueAsync(Project, "q");
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(Project, "q", c));
        Assert.Empty((await Engine.ListSubscriptionsAsync(Project, "q")).Subscriptions);
    }

    [Fact]
    public async Task Another_project_cannot_see_or_change_a_subscription()
    {
        var id = (await SubscribeAsync()).Subscription.Id;
        await Engine.CreateQueueAsync(OtherProject, "q");

        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetSubscriptionAsync(OtherProject, "q", id));
        Assert.Empty((await Engine.ListSubscriptionsAsync(OtherProject, "q")).Subscriptions);
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateSubscriptionAsync(OtherProject, "q", id, new SubscriptionChanges(Ttl: 100)));
        Assert.False(await Engine.DeleteSubscriptionAsync(OtherProject, "q", id));
        await Engine.PurgeSubscriptionsAsync(OtherProject, "q");

        Assert.Equal(Hook, (await Engine.GetSubscriptionAsync(Project, "q", id)).Subscriber);
    }
}
