namespace Marconi.Storage.Faster.State;

/// <summary>
/// A queue's subscriptions in id (creation) order, with an index by subscriber URI: subscribers are unique per queue.
/// Guarded by the queue's lock.
/// </summary>
internal sealed class SubscriptionSet
{
    // Both made at the first subscription: most queues never have one, and a store may hold 100,000s of queues.
    private SortedDictionary<long, SubscriptionState>? _bySequence;
    private Dictionary<string, long>? _bySubscriber;

    public int Count => _bySequence?.Count ?? 0;

    /// <summary>All subscriptions, live or expired, in id order.</summary>
    public IEnumerable<SubscriptionState> All => _bySequence?.Values ?? Enumerable.Empty<SubscriptionState>();

    public SubscriptionState? Find(long sequence) => _bySequence?.GetValueOrDefault(sequence);

    public SubscriptionState? FindBySubscriber(string subscriber) =>
        _bySubscriber is not null && _bySubscriber.TryGetValue(subscriber, out var sequence) ? Find(sequence) : null;

    /// <summary>
    /// Adds or replaces a subscription. Another subscription holding the same subscriber is removed: the store only
    /// writes such a change once that one has expired, so replay reaches the same state.
    /// </summary>
    public void Set(SubscriptionState subscription)
    {
        _bySequence ??= [];
        _bySubscriber ??= new Dictionary<string, long>(StringComparer.Ordinal);
        if (_bySequence.TryGetValue(subscription.Sequence, out var previous))
        {
            _bySubscriber.Remove(previous.Subscriber);
        }

        if (_bySubscriber.TryGetValue(subscription.Subscriber, out var other) && other != subscription.Sequence)
        {
            _bySequence.Remove(other);
        }

        _bySequence[subscription.Sequence] = subscription;
        _bySubscriber[subscription.Subscriber] = subscription.Sequence;
    }

    public void Remove(long sequence)
    {
        if (_bySequence is not null && _bySequence.Remove(sequence, out var removed))
        {
            _bySubscriber!.Remove(removed.Subscriber);
        }
    }

    public void Clear()
    {
        _bySequence = null;
        _bySubscriber = null;
    }

    /// <summary>Drops expired subscriptions. Expiry needs no log record: it follows from the times.</summary>
    /// <remarks>
    /// Maintenance sweeps every queue every second, and enumerating a <see cref="SortedDictionary{TKey, TValue}"/>
    /// allocates its enumerator's stack even when empty: with 100,000 queues that was megabytes of garbage a second.
    /// </remarks>
    public void Sweep(long nowMs)
    {
        if (_bySequence is not { Count: > 0 })
        {
            return;
        }

        List<long>? expired = null;
        foreach (var subscription in _bySequence.Values)
        {
            if (!subscription.IsLive(nowMs))
            {
                (expired ??= []).Add(subscription.Sequence);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var sequence in expired)
        {
            Remove(sequence);
        }
    }
}
