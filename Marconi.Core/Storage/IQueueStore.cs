using Marconi.Core.Model;

namespace Marconi.Core.Storage;

/// <summary>
/// The storage driver contract. The engine validates and resolves every request; the store persists state and makes the
/// changes that must be atomic (a batch post, a claim picking free messages, a move to a dead-letter queue) atomic,
/// even with many concurrent callers.
/// </summary>
/// <remarks>
/// Every method is scoped by <c>project</c>: a store never lets one project read, change, count or detect another
/// project's resources. Times come from <see cref="TimeProvider"/>. Write methods return only when the change is
/// durable (unless <see cref="WriteDurability.Relaxed"/> is asked for); a change that could not be made durable
/// throws <see cref="Errors.QueueErrorKind.StorageUnavailable"/> and is not acknowledged.
/// </remarks>
public interface IQueueStore : IAsyncDisposable
{
    /// <summary>The clock the store and the engine on top of it use.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Creates a queue; false when it already exists (its metadata is then left as it is).</summary>
    ValueTask<bool> CreateQueueAsync(string project, string queue, QueueMetadata metadata, CancellationToken cancellationToken);

    /// <summary>The queue's metadata, or null when the queue does not exist.</summary>
    ValueTask<QueueMetadata?> GetQueueMetadataAsync(string project, string queue, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the metadata with <paramref name="update"/>'s result, computed from the current metadata atomically
    /// (no concurrent update is lost). Throws not-found when the queue does not exist.
    /// </summary>
    ValueTask<QueueMetadata> UpdateQueueMetadataAsync(string project, string queue, Func<QueueMetadata, QueueMetadata> update, CancellationToken cancellationToken);

    /// <summary>Deletes a queue with its messages, claims and subscriptions; false when it did not exist.</summary>
    ValueTask<bool> DeleteQueueAsync(string project, string queue, CancellationToken cancellationToken);

    /// <summary>Lists queues by name.</summary>
    ValueTask<QueuePage> ListQueuesAsync(string project, string? marker, int limit, string? namePrefix, bool detailed, bool withCount, CancellationToken cancellationToken);

    /// <summary>Removes every message and claim of a queue, keeping the queue.</summary>
    ValueTask PurgeQueueAsync(string project, string queue, CancellationToken cancellationToken);

    /// <summary>Counts a queue's messages (all zero when the queue does not exist).</summary>
    ValueTask<QueueStats> GetQueueStatsAsync(string project, string queue, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a batch atomically (all or none), creating the queue when missing. Returns the new ids in order.
    /// </summary>
    ValueTask<IReadOnlyList<string>> PostMessagesAsync(string project, string queue, Guid clientId, IReadOnlyList<MessageDraft> messages, WriteDurability durability, CancellationToken cancellationToken);

    /// <summary>Lists live messages in acceptance order (empty when the queue does not exist).</summary>
    ValueTask<MessagePage> ListMessagesAsync(string project, string queue, MessageQuery query, CancellationToken cancellationToken);

    /// <summary>The live messages among <paramref name="ids"/>, in the order asked; unknown or malformed ids are left out.</summary>
    ValueTask<IReadOnlyList<QueuedMessage>> GetMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one message. A claimed message needs its live claim's id (else claim-required); an unclaimed one needs
    /// none, and a claim id given for a message that this claim does not hold is a claim mismatch. False when the
    /// message does not exist.
    /// </summary>
    ValueTask<bool> DeleteMessageAsync(string project, string queue, string messageId, string? claimId, CancellationToken cancellationToken);

    /// <summary>Deletes the named messages whether claimed or not; returns how many existed.</summary>
    ValueTask<int> DeleteMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>Takes and deletes up to <paramref name="limit"/> free messages, oldest first.</summary>
    ValueTask<IReadOnlyList<QueuedMessage>> PopMessagesAsync(string project, string queue, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <see cref="ClaimDraft.Limit"/> free messages, oldest first, atomically; messages that reached the
    /// queue's max claim count move to its dead-letter queue instead. Null when nothing could be claimed.
    /// </summary>
    ValueTask<ClaimResult?> ClaimMessagesAsync(string project, string queue, ClaimDraft claim, CancellationToken cancellationToken);

    /// <summary>A live claim, or null when it does not exist or has expired.</summary>
    ValueTask<ClaimResult?> GetClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken);

    /// <summary>Renews a live claim from now with a new ttl and grace; false when it does not exist or has expired.</summary>
    ValueTask<bool> UpdateClaimAsync(string project, string queue, string claimId, int ttl, int grace, CancellationToken cancellationToken);

    /// <summary>Releases a claim: its messages become free again, in their order. False when it did not exist.</summary>
    ValueTask<bool> ReleaseClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a subscription to a queue, creating the queue when missing. Subscribers are unique per queue: when one with
    /// the same subscriber URI is live, nothing is written and that one is returned with
    /// <see cref="SubscriptionCreation.Created"/> false.
    /// </summary>
    ValueTask<SubscriptionCreation> CreateSubscriptionAsync(string project, string queue, SubscriptionDraft draft, CancellationToken cancellationToken);

    /// <summary>A live subscription, or null when it does not exist or has expired.</summary>
    ValueTask<Subscription?> GetSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken);

    /// <summary>
    /// Lists a queue's live subscriptions oldest first, after <paramref name="marker"/> (a subscription id; one that no
    /// longer exists still pages from its position; a malformed one is an invalid argument).
    /// </summary>
    ValueTask<SubscriptionPage> ListSubscriptionsAsync(string project, string queue, string? marker, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> to a live subscription atomically. False when it does not exist or has
    /// expired; conflict when the new subscriber URI is another live subscription's.
    /// </summary>
    ValueTask<bool> UpdateSubscriptionAsync(string project, string queue, string subscriptionId, SubscriptionChanges changes, CancellationToken cancellationToken);

    /// <summary>Deletes a subscription; false when it did not exist.</summary>
    ValueTask<bool> DeleteSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Deletes every subscription of a queue, keeping the queue and its messages.</summary>
    ValueTask PurgeSubscriptionsAsync(string project, string queue, CancellationToken cancellationToken);
}
