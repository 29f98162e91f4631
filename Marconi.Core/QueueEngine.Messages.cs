using System.Runtime.CompilerServices;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Core.Telemetry;
using Marconi.Core.Validation;

namespace Marconi.Core;

public sealed partial class QueueEngine
{
    /// <summary>
    /// Posts a batch of messages atomically (all or none), creating the queue when it does not exist. Returns the new
    /// message ids in the order given. With <see cref="WriteDurability.Durable"/> (the default) the call returns only
    /// when the batch is on disk.
    /// </summary>
    /// <remarks>
    /// Not async itself: with a store that answers the metadata read at once (FASTER does), the only async frame of a
    /// waiting post is the store's commit wait plus a small one here to count the result.
    /// </remarks>
    public ValueTask<IReadOnlyList<string>> PostMessagesAsync(
        string project,
        string queue,
        IReadOnlyList<NewMessage> messages,
        Guid clientId,
        WriteDurability durability = WriteDurability.Durable,
        CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            ThrowHelper.InvalidArgument("messages", "No messages to enqueue.");
        }

        var reading = _store.GetQueueMetadataAsync(project, queue, cancellationToken);
        if (!reading.IsCompletedSuccessfully)
        {
            return PostAfterMetadataAsync(reading, project, queue, messages, clientId, durability, cancellationToken);
        }

        var drafts = Drafts(reading.Result, messages);
        var posting = _store.PostMessagesAsync(project, queue, clientId, drafts, durability, cancellationToken);
        if (!posting.IsCompletedSuccessfully)
        {
            return CountPostedAsync(posting, project, queue);
        }

        var ids = posting.Result;
        EngineMetrics.Count(EngineMetrics.MessagesPosted, ids.Count, project, queue);
        return new ValueTask<IReadOnlyList<string>>(ids);
    }

    private async ValueTask<IReadOnlyList<string>> PostAfterMetadataAsync(
        ValueTask<QueueMetadata?> reading,
        string project,
        string queue,
        IReadOnlyList<NewMessage> messages,
        Guid clientId,
        WriteDurability durability,
        CancellationToken cancellationToken)
    {
        var drafts = Drafts(await reading.ConfigureAwait(false), messages);
        var ids = await _store.PostMessagesAsync(project, queue, clientId, drafts, durability, cancellationToken).ConfigureAwait(false);
        EngineMetrics.Count(EngineMetrics.MessagesPosted, ids.Count, project, queue);
        return ids;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<IReadOnlyList<string>> CountPostedAsync(ValueTask<IReadOnlyList<string>> posting, string project, string queue)
    {
        var ids = await posting.ConfigureAwait(false);
        EngineMetrics.Count(EngineMetrics.MessagesPosted, ids.Count, project, queue);
        return ids;
    }

    /// <summary>Validates a post against the limits and the queue's settings and resolves each message's TTL and delay.</summary>
    private MessageDraft[] Drafts(QueueMetadata? metadata, IReadOnlyList<NewMessage> messages)
    {
        var settings = metadata?.Settings ?? QueueSettings.None;
        var maxPostSize = Math.Min(settings.MaxMessagesPostSize ?? Limits.MaxMessagesPostSize, Limits.MaxMessagesPostSize);
        var defaultTtl = settings.DefaultMessageTtl ?? Limits.DefaultMessageTtl;
        var defaultDelay = settings.DefaultMessageDelay ?? 0;

        var drafts = new MessageDraft[messages.Count];
        long totalSize = 0;
        for (var i = 0; i < drafts.Length; i++)
        {
            var message = messages[i];
            var ttl = message.Ttl ?? defaultTtl;
            if (ttl < Limits.MinMessageTtl || ttl > Limits.MaxMessageTtl)
            {
                ThrowHelper.OutOfRange("ttl", ttl, Limits.MinMessageTtl, Limits.MaxMessageTtl);
            }

            var delay = message.Delay ?? defaultDelay;
            if (delay < 0 || delay > Limits.MaxMessageDelay)
            {
                ThrowHelper.OutOfRange("delay", delay, 0, Limits.MaxMessageDelay);
            }

            JsonValues.ValidateSingleValue(message.Body.Span, "body");
            totalSize += message.Body.Length;
            drafts[i] = new MessageDraft(message.Body, ttl, delay);
        }

        if (totalSize > maxPostSize)
        {
            ThrowHelper.LimitExceeded("messages", maxPostSize, $"The message bodies of one post may not exceed {maxPostSize} bytes; got {totalSize}.");
        }

        return drafts;
    }

    /// <summary>Lists live messages oldest first (an empty page when the queue does not exist).</summary>
    public ValueTask<MessagePage> ListMessagesAsync(string project, string queue, Guid clientId, MessageListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        options ??= new MessageListOptions();
        var limit = ResolvePageSize(options.Limit);
        var query = new MessageQuery(options.Marker, limit, clientId, options.Echo, options.IncludeClaimed, options.IncludeDelayed);
        return _store.ListMessagesAsync(project, queue, query, cancellationToken);
    }

    /// <summary>One live message; not-found when it does not exist, has expired or belongs elsewhere.</summary>
    public async ValueTask<QueuedMessage> GetMessageAsync(string project, string queue, string messageId, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(messageId);
        var found = await _store.GetMessagesAsync(project, queue, [messageId], cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            ThrowHelper.NotFound($"Message {messageId} does not exist.");
        }

        return found[0];
    }

    /// <summary>The live messages among up to 20 ids, in the order asked (unknown ids are left out).</summary>
    public ValueTask<IReadOnlyList<QueuedMessage>> GetMessagesAsync(string project, string queue, IReadOnlyList<string> messageIds, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ValidateIds(messageIds);
        return _store.GetMessagesAsync(project, queue, messageIds, cancellationToken);
    }

    /// <summary>
    /// Deletes one message; false when it does not exist. A claimed message needs its live claim id (claim-required
    /// otherwise); a claim id that does not hold the message is a claim mismatch.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> DeleteMessageAsync(string project, string queue, string messageId, string? claimId = null, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(messageId);
        var deleted = await _store.DeleteMessageAsync(project, queue, messageId, claimId, cancellationToken).ConfigureAwait(false);
        EngineMetrics.Count(EngineMetrics.MessagesDeleted, deleted ? 1 : 0, project, queue);
        return deleted;
    }

    /// <summary>Deletes up to 20 messages by id, claimed or not; returns how many existed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> DeleteMessagesAsync(string project, string queue, IReadOnlyList<string> messageIds, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ValidateIds(messageIds);
        var deleted = await _store.DeleteMessagesAsync(project, queue, messageIds, cancellationToken).ConfigureAwait(false);
        EngineMetrics.Count(EngineMetrics.MessagesDeleted, deleted, project, queue);
        return deleted;
    }

    /// <summary>Takes and deletes up to <paramref name="count"/> (1 to 20) free messages, oldest first, without a claim.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IReadOnlyList<QueuedMessage>> PopMessagesAsync(string project, string queue, int count, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        if (count < 1 || count > Limits.MaxMessagesPerClaimOrPop)
        {
            ThrowHelper.OutOfRange("pop", count, 1, Limits.MaxMessagesPerClaimOrPop);
        }

        var popped = await _store.PopMessagesAsync(project, queue, count, cancellationToken).ConfigureAwait(false);
        EngineMetrics.Count(EngineMetrics.MessagesDeleted, popped.Count, project, queue);
        return popped;
    }

    private void ValidateIds(IReadOnlyList<string> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            ThrowHelper.InvalidArgument("ids", "At least one message id is needed.");
        }

        if (messageIds.Count > Limits.MaxIdsPerRequest)
        {
            ThrowHelper.LimitExceeded("ids", Limits.MaxIdsPerRequest, $"No more than {Limits.MaxIdsPerRequest} message ids may be given at once; got {messageIds.Count}.");
        }
    }
}
