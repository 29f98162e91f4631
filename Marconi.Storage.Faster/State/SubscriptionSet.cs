namespace Marconi.Storage.Faster.State;

/// <summary>
/// A queue's subscriptions in id (creation) order, with an index by subscriber URI: subscribers are unique per queue.
/// Guarded by the queue's lock.
/// </summary>
internal sealed class SubscriptionSet
{
    private readonly SortedDictionary<long, SubscriptionState> _bySequence = [];
    private readonly Dictionary<string, long> _bySubscriber = new(StringComparer.Ordinal);

    public int Count => _bySequence.Count;

    /// <summary>All subscriptions, live or expired, in id order.</summary>
    public IEnumerable<SubscriptionState> All => _bySequence.Values;

    public SubscriptionState? Find(long sequence) => _bySequence.GetValueOrDefault(sequence);

    public SubscriptionState? FindBySubscriber(string subscriber) =>
        _bySubscriber.TryGetValue(subscriber, out var sequence) ? _bySequence.GetValueOrDefault(sequence) : null;

    /// <summary>
    /// Adds or replaces a subscription. Another subscription holding the same subscriber is removed: the store only
    /// writes such a change once that one has expired, so replay reaches the same state.
    /// </summary>
    public void Set(SubscriptionState subscription)
    {
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
        if (_bySequence.Remove(sequence, out var removed))
        {
            _bySubscriber.Remove(removed.Subscriber);
        }
    }

    public void Clear()
    {
        _bySequence.Clear();
        _bySubscriber.Clear();
    }

    /// <summary>Drops expired subscriptions. Expiry needs no log record: it follows from the times.</summary>
    /// <remarks>
    /// Maintenance sweeps every queue every second, and enumerating a <see cref="SortedDictionary{TKey, TValue}"/>
    /// allocates its enumerator's stack even when empty: with 100,000 queues that was megabytes of garbage a second.
    /// </remarks>
    public void Sweep(long nowMs)
    {
        if (_bySequence.Count == 0)
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
