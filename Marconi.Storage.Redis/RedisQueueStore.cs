using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Core.Validation;
using StackExchange.Redis;

namespace Marconi.Storage.Redis;

/// <summary>
/// An <see cref="IQueueStore"/> on Redis (or another Redis-protocol server with Lua, such as Garnet): every change is
/// one Lua script, so it is atomic even with many server processes on the same Redis. Several Marconi servers can share
/// one Redis and see the same queues.
/// </summary>
/// <remarks>
/// A write returns once Redis has executed and acknowledged it; how durable that is depends on Redis's persistence
/// (<c>appendfsync always</c>: on disk; <c>everysec</c>: up to a second can be lost on a power cut). The scripts
/// assume one Redis node (or Sentinel with one primary): a claim that dead-letters and a queue's creation also touch the
/// dead-letter queue's and the project catalog's keys, which on a Redis Cluster live in other slots.
/// </remarks>
public sealed partial class RedisQueueStore : IQueueStore
{
    // Stored metadata was validated when written; reading it back must accept it even if limits were tightened since.
    private static readonly QueueLimits StoredLimits = new()
    {
        MaxQueueMetadataSize = int.MaxValue,
        MaxMessagesPostSize = int.MaxValue,
        MinMessageTtl = 0,
        MaxMessageTtl = int.MaxValue,
        MaxMessageDelay = int.MaxValue,
    };

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly uint _storeTag;

    private RedisQueueStore(ConnectionMultiplexer connection, RedisQueueStoreOptions options, uint storeTag)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
        _storeTag = storeTag;
        TimeProvider = options.TimeProvider;
    }

    /// <inheritdoc />
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Connects to Redis (a StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=...</c>) and reads
    /// or sets this deployment's id tag.
    /// </summary>
    public static Task<RedisQueueStore> ConnectAsync(string configuration, RedisQueueStoreOptions? options = null) =>
        ConnectAsync(ConfigurationOptions.Parse(configuration), options);

    /// <summary>Connects to Redis with parsed StackExchange.Redis settings and reads or sets this deployment's id tag.</summary>
    public static async Task<RedisQueueStore> ConnectAsync(ConfigurationOptions configuration, RedisQueueStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new RedisQueueStoreOptions();
        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            ThrowHelper.StorageUnavailable($"Cannot connect to Redis: {exception.Message}", exception);
            throw;
        }

        try
        {
            var keys = new RedisKeys(options.KeyPrefix);
            var database = connection.GetDatabase();
            var candidate = (long)(uint)Random.Shared.Next(1, int.MaxValue);
            await database.StringSetAsync(keys.StoreTag, candidate, when: When.NotExists).ConfigureAwait(false);
            var tag = (long)await database.StringGetAsync(keys.StoreTag).ConfigureAwait(false);
            return new RedisQueueStore(connection, options, (uint)tag);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Round-trip time to Redis; throws storage-unavailable when it does not answer.</summary>
    public async Task<TimeSpan> PingAsync()
    {
        try
        {
            return await _database.PingAsync().ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            ThrowHelper.StorageUnavailable($"Redis does not answer: {exception.Message}", exception);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private long NowMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private string FormatId(long sequence) => ResourceIds.Format(sequence, _storeTag);

    private bool TryParseId(string? id, out long sequence)
    {
        sequence = 0;
        return id is not null && ResourceIds.TryParse(id, _storeTag, out sequence);
    }

    private RedisKey[] QueueKeys(string project, string queue) => [_keys.Queue(project, queue), _keys.Catalog(project), _keys.Sequence];

    private async Task<RedisResult> RunAsync(string script, RedisKey[] keys, params RedisValue[] values)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // Connection loss, timeouts and server refusals (READONLY, OOM, MISCONF: a failed disk write) alike: the
            // change may or may not have been made, so it is not acknowledged.
            ThrowHelper.StorageUnavailable($"Redis failed: {exception.Message}", exception);
            throw;
        }
    }

    private async Task<byte[]?> GetMetadataJsonAsync(string project, string queue)
    {
        try
        {
            return await _database.StringGetAsync(_keys.Queue(project, queue) + "meta").ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            ThrowHelper.StorageUnavailable($"Redis failed: {exception.Message}", exception);
            throw;
        }
    }

    private static QueueMetadata ParseMetadata(byte[] json) => MetadataDocument.Parse(json, StoredLimits);

    /// <summary>Reads the 7-value message tuples the scripts emit, from <paramref name="start"/>.</summary>
    private List<QueuedMessage> ReadMessages(RedisResult[] values, int start, long nowMs)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        var messages = new List<QueuedMessage>((values.Length - start) / 7);
        for (var i = start; i + 6 < values.Length; i += 7)
        {
            var claim = (long)values[i + 5];
            messages.Add(new QueuedMessage(
                FormatId((long)values[i]),
                (byte[])values[i + 1]!,
                (int)values[i + 3],
                DateTimeOffset.FromUnixTimeMilliseconds((long)values[i + 2]),
                now,
                Guid.ParseExact((string)values[i + 4]!, "N"),
                claim != 0 ? FormatId(claim) : null,
                (int)values[i + 6]));
        }

        return messages;
    }
}
