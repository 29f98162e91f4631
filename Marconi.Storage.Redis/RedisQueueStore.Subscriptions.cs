using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using StackExchange.Redis;

namespace Marconi.Storage.Redis;

public sealed partial class RedisQueueStore
{
    /// <inheritdoc />
    public async ValueTask<SubscriptionCreation> CreateSubscriptionAsync(string project, string queue, SubscriptionDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var nowMs = NowMs;
        var values = (RedisResult[])(await RunAsync(RedisScripts.CreateSubscription, QueueKeys(project, queue), nowMs, queue, draft.Subscriber, draft.Ttl, draft.Options).ConfigureAwait(false))!;
        return new SubscriptionCreation(ReadSubscriptions(project, values, 1, queue, nowMs)[0], (long)values[0] == 1);
    }

    /// <inheritdoc />
    public async ValueTask<Subscription?> GetSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken)
    {
        if (!TryParseId(project, subscriptionId, out var sequence))
        {
            return null;
        }

        var nowMs = NowMs;
        var values = (RedisResult[])(await RunAsync(RedisScripts.ListSubscriptions, QueueKeys(project, queue), nowMs, 0, 1, sequence).ConfigureAwait(false))!;
        var found = ReadSubscriptions(project, values, 0, queue, nowMs);
        return found.Count > 0 ? found[0] : null;
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionPage> ListSubscriptionsAsync(string project, string queue, string? marker, int limit, CancellationToken cancellationToken)
    {
        var after = 0L;
        if (marker is not null && !TryParseMarker(marker, out after))
        {
            ThrowHelper.InvalidArgument("marker", "The marker must be a subscription id from a previous page.");
        }

        var nowMs = NowMs;
        var values = (RedisResult[])(await RunAsync(RedisScripts.ListSubscriptions, QueueKeys(project, queue), nowMs, after, limit).ConfigureAwait(false))!;
        var page = ReadSubscriptions(project, values, 0, queue, nowMs);
        return new SubscriptionPage(page, page.Count > 0 ? page[^1].Id : null);
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateSubscriptionAsync(string project, string queue, string subscriptionId, SubscriptionChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!TryParseId(project, subscriptionId, out var sequence))
        {
            return false;
        }

        var outcome = (int)await RunAsync(
            RedisScripts.UpdateSubscription,
            QueueKeys(project, queue),
            NowMs,
            sequence,
            changes.Subscriber is null ? 0 : 1,
            changes.Subscriber ?? string.Empty,
            changes.Ttl is null ? 0 : 1,
            changes.Ttl ?? 0,
            changes.Options is null ? 0 : 1,
            changes.Options ?? ReadOnlyMemory<byte>.Empty,
            changes.Confirmed is null ? 0 : 1,
            changes.Confirmed == true ? 1 : 0).ConfigureAwait(false);
        if (outcome < 0)
        {
            ThrowHelper.SubscriberExists();
        }

        return outcome == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken)
    {
        if (!TryParseId(project, subscriptionId, out var sequence))
        {
            return false;
        }

        return (int)await RunAsync(RedisScripts.DeleteSubscription, QueueKeys(project, queue), NowMs, sequence).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask PurgeSubscriptionsAsync(string project, string queue, CancellationToken cancellationToken) =>
        await RunAsync(RedisScripts.PurgeSubscriptions, QueueKeys(project, queue)).ConfigureAwait(false);

    /// <summary>Reads the 6-value subscription tuples (seq, subscriber, ttl, started, options, confirmed).</summary>
    private List<Subscription> ReadSubscriptions(string project, RedisResult[] values, int start, string queue, long nowMs)
    {
        var subscriptions = new List<Subscription>((values.Length - start) / 6);
        for (var i = start; i + 5 < values.Length; i += 6)
        {
            var startedMs = (long)values[i + 3];
            subscriptions.Add(new Subscription(
                FormatId(project, (long)values[i]),
                queue,
                (string)values[i + 1]!,
                (long)values[i + 2],
                Math.Max(0, (nowMs - startedMs) / 1000),
                (byte[])values[i + 4]!,
                (long)values[i + 5] == 1));
        }

        return subscriptions;
    }
}
