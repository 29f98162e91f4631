using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Core.Validation;

namespace Marconi.Core;

public sealed partial class QueueEngine
{
    private static readonly ReadOnlyMemory<byte> EmptyOptions = "{}"u8.ToArray();

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to a queue, creating the queue when missing. Subscribers are unique per
    /// queue, as in Zaqar: asking again for an unconfirmed subscriber returns the existing subscription (so a client
    /// can retry), and asking again for a confirmed one is a conflict.
    /// </summary>
    /// <param name="project">The project (tenant) id.</param>
    /// <param name="queue">The queue name.</param>
    /// <param name="subscriber">An <c>http</c>, <c>https</c> or <c>mailto</c> URI (see <see cref="QueueLimits.SubscriberTypes"/>).</param>
    /// <param name="ttl">Lifetime in seconds; null takes <see cref="QueueLimits.DefaultSubscriptionTtl"/>.</param>
    /// <param name="options">A JSON object, or empty for <c>{}</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async ValueTask<SubscriptionCreation> CreateSubscriptionAsync(string project, string queue, string subscriber, long? ttl = null, ReadOnlyMemory<byte> options = default, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        SubscriptionRules.ValidateSubscriber(subscriber, Limits);
        var resolvedTtl = ttl ?? Limits.DefaultSubscriptionTtl;
        SubscriptionRules.ValidateTtl(resolvedTtl, TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), Limits);
        options = options.IsEmpty ? EmptyOptions : options;
        SubscriptionRules.ValidateOptions(options, Limits);

        var creation = await _store.CreateSubscriptionAsync(project, queue, new SubscriptionDraft(subscriber, resolvedTtl, options), cancellationToken).ConfigureAwait(false);
        if (!creation.Created && creation.Subscription.Confirmed)
        {
            ThrowHelper.SubscriberExists();
        }

        return creation;
    }

    /// <summary>A live subscription; not-found when it does not exist or has expired.</summary>
    public async ValueTask<Subscription> GetSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var subscription = await _store.GetSubscriptionAsync(project, queue, subscriptionId, cancellationToken).ConfigureAwait(false);
        if (subscription is null)
        {
            ThrowSubscriptionNotFound(subscriptionId);
        }

        return subscription;
    }

    /// <summary>A page of the queue's live subscriptions, oldest first (empty when the queue does not exist).</summary>
    /// <param name="project">The project (tenant) id.</param>
    /// <param name="queue">The queue name.</param>
    /// <param name="marker">The <see cref="SubscriptionPage.NextMarker"/> of the previous page, or null for the first.</param>
    /// <param name="limit">Page size; null takes <see cref="QueueLimits.DefaultSubscriptionPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public ValueTask<SubscriptionPage> ListSubscriptionsAsync(string project, string queue, string? marker = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        var resolved = limit ?? Limits.DefaultSubscriptionPageSize;
        if (resolved < 1 || resolved > Limits.MaxSubscriptionsPerPage)
        {
            ThrowHelper.OutOfRange("limit", resolved, 1, Limits.MaxSubscriptionsPerPage);
        }

        return _store.ListSubscriptionsAsync(project, queue, marker, resolved, cancellationToken);
    }

    /// <summary>
    /// Changes a live subscription's subscriber, ttl (its life restarts from now), options or confirmation atomically.
    /// Not-found when it does not exist; conflict when the new subscriber is another subscription's.
    /// </summary>
    public async ValueTask UpdateSubscriptionAsync(string project, string queue, string subscriptionId, SubscriptionChanges changes, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty)
        {
            ThrowHelper.InvalidArgument("subscription", "A subscription update must change its subscriber, ttl, options or confirmation.");
        }

        if (changes.Subscriber is not null)
        {
            SubscriptionRules.ValidateSubscriber(changes.Subscriber, Limits);
        }

        if (changes.Ttl is { } ttl)
        {
            SubscriptionRules.ValidateTtl(ttl, TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), Limits);
        }

        if (changes.Options is { } options)
        {
            changes = changes with { Options = options.IsEmpty ? EmptyOptions : options };
            SubscriptionRules.ValidateOptions(changes.Options.Value, Limits);
        }

        if (!await _store.UpdateSubscriptionAsync(project, queue, subscriptionId, changes, cancellationToken).ConfigureAwait(false))
        {
            ThrowSubscriptionNotFound(subscriptionId);
        }
    }

    /// <summary>Deletes a subscription; false when it did not exist.</summary>
    public ValueTask<bool> DeleteSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return _store.DeleteSubscriptionAsync(project, queue, subscriptionId, cancellationToken);
    }

    /// <summary>Deletes every subscription of a queue, keeping the queue and its messages.</summary>
    public ValueTask PurgeSubscriptionsAsync(string project, string queue, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        return _store.PurgeSubscriptionsAsync(project, queue, cancellationToken);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowSubscriptionNotFound(string subscriptionId) =>
        ThrowHelper.NotFound($"Subscription {subscriptionId} does not exist.");
}
