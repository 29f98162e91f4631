using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    /// <inheritdoc />
    public async ValueTask<SubscriptionCreation> CreateSubscriptionAsync(string project, string queue, SubscriptionDraft draft, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        ArgumentNullException.ThrowIfNull(draft);
        var options = draft.Options.ToArray();
        using var record = new RecordBuffer(64 + draft.Subscriber.Length + options.Length);
        while (true)
        {
            var (state, createdAt) = GetOrCreateQueue(project, queue, QueueMetadata.Empty);
            SubscriptionState subscription;
            bool created;
            long nowMs;
            lock (state)
            {
                if (state.Deleted)
                {
                    continue;
                }

                nowMs = NowMs;
                var existing = state.Subscriptions.FindBySubscriber(draft.Subscriber);
                created = existing is null || !existing.IsLive(nowMs);
                if (created)
                {
                    subscription = new SubscriptionState(_state.NextSequence(), draft.Subscriber, draft.Ttl, nowMs, options, Confirmed: false, Address: 0);
                    subscription = subscription with { Address = AppendSubscription(record, state, subscription) };
                }
                else
                {
                    subscription = existing!;
                }
            }

            // An existing subscription is answered as if created, so it must be as durable as a new one.
            var written = Math.Max(createdAt, subscription.Address);
            if (written > 0)
            {
                await CommitAsync(written).ConfigureAwait(false);
            }

            return new SubscriptionCreation(ToModel(queue, subscription, nowMs), created);
        }
    }

    /// <inheritdoc />
    public async ValueTask<Subscription?> GetSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(subscriptionId, out var sequence))
        {
            return null;
        }

        var nowMs = NowMs;
        SubscriptionState? subscription;
        lock (state)
        {
            subscription = state.Subscriptions.Find(sequence);
        }

        return subscription is not null && subscription.IsLive(nowMs) ? ToModel(queue, subscription, nowMs) : null;
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionPage> ListSubscriptionsAsync(string project, string queue, string? marker, int limit, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        var after = 0L;
        if (marker is not null && !TryParseId(marker, out after))
        {
            ThrowHelper.InvalidArgument("marker", "The marker must be a subscription id from a previous page.");
        }

        var state = _state.Find(project, queue);
        if (state is null)
        {
            return new SubscriptionPage([], null);
        }

        var nowMs = NowMs;
        var page = new List<Subscription>(Math.Min(limit, 32));
        lock (state)
        {
            foreach (var subscription in state.Subscriptions.All)
            {
                if (page.Count == limit)
                {
                    break;
                }

                if (subscription.Sequence > after && subscription.IsLive(nowMs))
                {
                    page.Add(ToModel(queue, subscription, nowMs));
                }
            }
        }

        return new SubscriptionPage(page, page.Count > 0 ? page[^1].Id : null);
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateSubscriptionAsync(string project, string queue, string subscriptionId, SubscriptionChanges changes, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        ArgumentNullException.ThrowIfNull(changes);
        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(subscriptionId, out var sequence))
        {
            return false;
        }

        long address;
        using (var record = new RecordBuffer(128 + (changes.Subscriber?.Length ?? 0) + (changes.Options?.Length ?? 0)))
        {
            lock (state)
            {
                var nowMs = NowMs;
                var current = state.Subscriptions.Find(sequence);
                if (state.Deleted || current is null || !current.IsLive(nowMs))
                {
                    return false;
                }

                if (changes.Subscriber is { } subscriber && state.Subscriptions.FindBySubscriber(subscriber) is { } holder && holder.Sequence != sequence && holder.IsLive(nowMs))
                {
                    ThrowHelper.SubscriberExists();
                }

                var updated = current with
                {
                    Subscriber = changes.Subscriber ?? current.Subscriber,
                    Ttl = changes.Ttl ?? current.Ttl,
                    StartedMs = changes.Ttl is null ? current.StartedMs : nowMs,
                    Options = changes.Options is { } options ? options.ToArray() : current.Options,
                    Confirmed = changes.Confirmed ?? current.Confirmed,
                };
                address = AppendSubscription(record, state, updated);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(subscriptionId, out var sequence))
        {
            return false;
        }

        long address;
        using (var record = new RecordBuffer(24))
        {
            lock (state)
            {
                if (state.Deleted || state.Subscriptions.Find(sequence) is not { } subscription || !subscription.IsLive(NowMs))
                {
                    return false;
                }

                record.WriteByte((byte)RecordType.SubscriptionDeleted);
                record.WriteInt64(state.Id);
                record.WriteInt64(sequence);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask PurgeSubscriptionsAsync(string project, string queue, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return;
        }

        long address;
        using (var record = new RecordBuffer(16))
        {
            lock (state)
            {
                if (state.Deleted || state.Subscriptions.Count == 0)
                {
                    return;
                }

                record.WriteByte((byte)RecordType.SubscriptionsPurged);
                record.WriteInt64(state.Id);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
    }

    /// <summary>Appends and applies the record of a subscription's whole state; the caller holds the queue's lock.</summary>
    private long AppendSubscription(RecordBuffer record, QueueState state, SubscriptionState subscription)
    {
        record.WriteByte((byte)RecordType.SubscriptionSet);
        record.WriteInt64(state.Id);
        SubscriptionRecord.Write(record, subscription);
        return AppendAndApply(record.WrittenSpan);
    }

    private Subscription ToModel(string queue, SubscriptionState subscription, long nowMs) =>
        new(FormatId(subscription.Sequence), queue, subscription.Subscriber, subscription.Ttl, Math.Max(0, (nowMs - subscription.StartedMs) / 1000), subscription.Options, subscription.Confirmed);
}
