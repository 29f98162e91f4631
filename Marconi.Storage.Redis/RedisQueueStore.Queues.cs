using Marconi.Core.Errors;
using Marconi.Core.Model;
using StackExchange.Redis;

namespace Marconi.Storage.Redis;

public sealed partial class RedisQueueStore
{
    /// <inheritdoc />
    public async ValueTask<bool> CreateQueueAsync(string project, string queue, QueueMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var result = await RunAsync(RedisScripts.CreateQueue, QueueKeys(project, queue), metadata.Json, queue).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <inheritdoc />
    public async ValueTask<QueueMetadata?> GetQueueMetadataAsync(string project, string queue, CancellationToken cancellationToken)
    {
        var json = await GetMetadataJsonAsync(project, queue).ConfigureAwait(false);
        return json is null ? null : ParseMetadata(json);
    }

    /// <inheritdoc />
    public async ValueTask<QueueMetadata> UpdateQueueMetadataAsync(string project, string queue, Func<QueueMetadata, QueueMetadata> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        while (true)
        {
            // Optimistic: the script sets the new metadata only if nobody changed it since it was read.
            cancellationToken.ThrowIfCancellationRequested();
            var json = await GetMetadataJsonAsync(project, queue).ConfigureAwait(false);
            if (json is null)
            {
                ThrowQueueNotFound(queue);
            }

            var updated = update(ParseMetadata(json));
            var result = (int)await RunAsync(RedisScripts.SetMetadata, QueueKeys(project, queue), json, updated.Json).ConfigureAwait(false);
            if (result < 0)
            {
                ThrowQueueNotFound(queue);
            }

            if (result == 1)
            {
                return updated;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteQueueAsync(string project, string queue, CancellationToken cancellationToken) =>
        (int)await RunAsync(RedisScripts.DeleteQueue, QueueKeys(project, queue), queue).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async ValueTask<QueuePage> ListQueuesAsync(string project, string? marker, int limit, string? namePrefix, bool detailed, bool withCount, CancellationToken cancellationToken)
    {
        // Names sort by byte (they are ASCII), as the FASTER catalog's ordinal order; a prefix ends before prefix+0xFF.
        // Typed commands (not ExecuteAsync) so StackExchange.Redis routes them by key on a Redis Cluster.
        var afterMarker = marker is not null && (namePrefix is null || string.CompareOrdinal(marker, namePrefix) >= 0);
        RedisValue max = namePrefix is null ? default : namePrefix + '\u00ff';
        var stop = namePrefix is null ? Exclude.None : Exclude.Stop;
        var catalog = _keys.Catalog(project);
        try
        {
            var names = await _database.SortedSetRangeByValueAsync(
                catalog, afterMarker ? marker : namePrefix ?? default(RedisValue), max, (afterMarker ? Exclude.Start : Exclude.None) | stop, Order.Ascending, 0, limit).ConfigureAwait(false);
            var queues = new QueueSummary[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                var name = (string)names[i]!;
                ReadOnlyMemory<byte> metadata = ReadOnlyMemory<byte>.Empty;
                if (detailed)
                {
                    metadata = await GetMetadataJsonAsync(project, name).ConfigureAwait(false) ?? "{}"u8.ToArray();
                }

                queues[i] = new QueueSummary(name, metadata);
            }

            long? count = null;
            if (withCount)
            {
                count = await _database.SortedSetLengthByValueAsync(catalog, namePrefix ?? default(RedisValue), max, stop).ConfigureAwait(false);
            }

            return new QueuePage(queues, queues.Length > 0 ? queues[^1].Name : null, count);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            ThrowUnavailable(exception);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask PurgeQueueAsync(string project, string queue, CancellationToken cancellationToken) =>
        await RunAsync(RedisScripts.PurgeQueue, QueueKeys(project, queue)).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<QueueStats> GetQueueStatsAsync(string project, string queue, CancellationToken cancellationToken)
    {
        var nowMs = NowMs;
        var values = (RedisResult[])(await RunAsync(RedisScripts.Stats, QueueKeys(project, queue), nowMs).ConfigureAwait(false))!;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        return new QueueStats((long)values[0], (long)values[1], Stamp(project, (long)values[2], (long)values[3], now), Stamp(project, (long)values[4], (long)values[5], now));
    }

    private MessageStamp? Stamp(string project, long sequence, long createdMs, DateTimeOffset now)
    {
        if (sequence == 0)
        {
            return null;
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(createdMs);
        return new MessageStamp(FormatId(project, sequence), created, (long)Math.Max(0, (now - created).TotalSeconds));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowQueueNotFound(string queue) => ThrowHelper.NotFound($"Queue {queue} does not exist.");
}
