using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using StackExchange.Redis;

namespace Marconi.Storage.Redis;

public sealed partial class RedisQueueStore
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> PostMessagesAsync(string project, string queue, Guid clientId, IReadOnlyList<MessageDraft> messages, WriteDurability durability, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var values = new RedisValue[4 + (3 * messages.Count)];
        values[0] = NowMs;
        values[1] = clientId.ToString("N");
        values[2] = queue;
        values[3] = messages.Count;
        for (var i = 0; i < messages.Count; i++)
        {
            values[4 + (3 * i)] = messages[i].Ttl;
            values[5 + (3 * i)] = messages[i].Delay;
            values[6 + (3 * i)] = messages[i].Body;
        }

        var sequences = (long[])(await RunAsync(RedisScripts.Post, QueueKeys(project, queue), values).ConfigureAwait(false))!;
        var ids = new string[sequences.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = FormatId(project, sequences[i]);
        }

        return ids;
    }

    /// <inheritdoc />
    public async ValueTask<MessagePage> ListMessagesAsync(string project, string queue, MessageQuery query, CancellationToken cancellationToken)
    {
        long markerSequence = 0;
        if (query.Marker is not null && !TryParseMarker(query.Marker, out markerSequence))
        {
            ThrowHelper.InvalidArgument("marker", "The marker must be a message id from a previous page.");
        }

        var nowMs = NowMs;
        var result = await RunAsync(
            RedisScripts.List,
            QueueKeys(project, queue),
            nowMs,
            markerSequence,
            query.Limit,
            query.Echo ? string.Empty : query.ClientId.ToString("N"),
            query.IncludeClaimed ? 1 : 0,
            query.IncludeDelayed ? 1 : 0).ConfigureAwait(false);
        var page = ReadMessages(project, (RedisResult[])result!, 0, nowMs);
        return new MessagePage(page, page.Count > 0 ? page[^1].Id : query.Marker);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> GetMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var nowMs = NowMs;
        var values = new List<RedisValue>(ids.Count + 1) { nowMs };
        foreach (var id in ids)
        {
            if (TryParseId(project, id, out var sequence))
            {
                values.Add(sequence);
            }
        }

        if (values.Count == 1)
        {
            return [];
        }

        var result = await RunAsync(RedisScripts.Get, QueueKeys(project, queue), [.. values]).ConfigureAwait(false);
        return ReadMessages(project, (RedisResult[])result!, 0, nowMs);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteMessageAsync(string project, string queue, string messageId, string? claimId, CancellationToken cancellationToken)
    {
        long claimSequence = 0;
        if (claimId is not null && !TryParseId(project, claimId, out claimSequence))
        {
            // Another project's claim id matches no claim here (-1): a missing message is still "not found", as in
            // the FASTER store; a malformed one is a mismatch at once.
            claimSequence = TryParseMarker(claimId, out _) ? -1 : ThrowClaimMismatch();
        }

        if (!TryParseId(project, messageId, out var sequence))
        {
            return false;
        }

        var outcome = (int)await RunAsync(RedisScripts.DeleteOne, QueueKeys(project, queue), NowMs, sequence, claimSequence).ConfigureAwait(false);
        switch (outcome)
        {
            case -1:
                ThrowHelper.ClaimRequired();
                break;
            case -2:
                ThrowHelper.ClaimMismatch();
                break;
        }

        return outcome == 1;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sequences = new HashSet<long>();
        var values = new List<RedisValue>(ids.Count + 1) { NowMs };
        foreach (var id in ids)
        {
            if (TryParseId(project, id, out var sequence) && sequences.Add(sequence))
            {
                values.Add(sequence);
            }
        }

        if (values.Count == 1)
        {
            return 0;
        }

        return (int)await RunAsync(RedisScripts.DeleteMany, QueueKeys(project, queue), [.. values]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> PopMessagesAsync(string project, string queue, int limit, CancellationToken cancellationToken)
    {
        var nowMs = NowMs;
        var result = await RunAsync(RedisScripts.Pop, QueueKeys(project, queue), nowMs, limit).ConfigureAwait(false);
        return ReadMessages(project, (RedisResult[])result!, 0, nowMs);
    }
}
