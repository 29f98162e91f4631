namespace Marconi.Core.Model;

/// <summary>
/// A queue's subscription: a subscriber URI that is to be notified of the queue's messages. The engine stores and
/// serves subscriptions with Zaqar's rules; delivering notifications is left to an extension.
/// </summary>
/// <param name="Id">Server-generated subscription id.</param>
/// <param name="Queue">The queue it belongs to (Zaqar's <c>source</c>).</param>
/// <param name="Subscriber">The subscriber URI (<c>http</c>, <c>https</c>, <c>mailto</c>, ...).</param>
/// <param name="Ttl">Lifetime in seconds, counted from creation or from the last ttl change.</param>
/// <param name="Age">Whole seconds since creation or the last ttl change.</param>
/// <param name="Options">The options JSON object, as given.</param>
/// <param name="Confirmed">Whether the subscriber confirmed it.</param>
public sealed record Subscription(string Id, string Queue, string Subscriber, long Ttl, long Age, ReadOnlyMemory<byte> Options, bool Confirmed);

/// <summary>One page of a queue's subscriptions, oldest first.</summary>
/// <param name="Subscriptions">The page.</param>
/// <param name="NextMarker">The marker of the next page: the last id on this one, or null when the page is empty.</param>
public sealed record SubscriptionPage(IReadOnlyList<Subscription> Subscriptions, string? NextMarker);

/// <summary>What a subscription update changes; null members stay as they are.</summary>
/// <param name="Subscriber">A new subscriber URI.</param>
/// <param name="Ttl">A new ttl in seconds; the subscription's life restarts from now.</param>
/// <param name="Options">A new options JSON object.</param>
/// <param name="Confirmed">A new confirmation state.</param>
public sealed record SubscriptionChanges(string? Subscriber = null, long? Ttl = null, ReadOnlyMemory<byte>? Options = null, bool? Confirmed = null)
{
    /// <summary>True when the update names nothing to change.</summary>
    public bool IsEmpty => Subscriber is null && Ttl is null && Options is null && Confirmed is null;
}

/// <summary>What creating a subscription did.</summary>
/// <param name="Subscription">The new subscription, or the existing one with the same subscriber.</param>
/// <param name="Created">False when a subscription with the same subscriber already existed (nothing was written).</param>
public sealed record SubscriptionCreation(Subscription Subscription, bool Created);
