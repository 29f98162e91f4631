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
/// (<c>appendfsync always</c>: on disk; <c>everysec</c>: up to a second can be lost on a power cut). Every key of a
/// project shares its hash tag, so each script (a dead-letter move and a queue's creation included) touches one slot
/// and runs on Redis Cluster too; the price is that one project's queues live on one shard.
/// </remarks>
public sealed partial class RedisQueueStore : IQueueStore, IStoreHealth
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
        if (options.KeyPrefix.Length == 0 || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            // A brace in the prefix would become the hash tag and split a project's keys over Redis Cluster slots.
            throw new ArgumentException("The key prefix must be non-empty and hold no '{' or '}'.", nameof(options));
        }

        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
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
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            // Connected but refused (NOAUTH, a read-only replica, a cluster still forming): not usable either.
            await connection.DisposeAsync().ConfigureAwait(false);
            ThrowHelper.StorageUnavailable($"Cannot use Redis: {exception.Message}", exception);
            throw;
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
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            ThrowUnavailable(exception);
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

    private string FormatId(string project, long sequence) => ResourceIds.Format(sequence, ProjectTag(project));

    private bool TryParseId(string project, string? id, out long sequence)
    {
        sequence = 0;
        return id is not null && ResourceIds.TryParse(id, ProjectTag(project), out sequence);
    }

    /// <summary>
    /// A well-formed id of this deployment used as a position (a marker): its sequence, whichever project's tag it has.
    /// Another project's marker in this project's queue is then a position among this project's sequences, as an id of
    /// another queue is in the FASTER store; it never names another project's message.
    /// </summary>
    private static bool TryParseMarker(string id, out long sequence)
    {
        sequence = 0;
        return id.Length == ResourceIds.Length
            && uint.TryParse(id.AsSpan(16), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var tag)
            && ResourceIds.TryParse(id, tag, out sequence);
    }

    /// <summary>
    /// Throws storage-unavailable (503) with a short cause. The exception, kept as the inner one, carries
    /// StackExchange.Redis's diagnostics (addresses, connection state), which do not belong in an HTTP answer.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowUnavailable(Exception exception) =>
        ThrowHelper.StorageUnavailable(
            exception switch
            {
                RedisTimeoutException => "Redis did not answer in time.",
                RedisConnectionException => "Redis is not reachable.",
                RedisServerException => $"Redis refused the command ({exception.Message.Split(' ', 2)[0]}).",
                _ => "Redis failed.",
            },
            exception);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static long ThrowClaimMismatch()
    {
        ThrowHelper.ClaimMismatch();
        return 0;
    }

    /// <summary>
    /// The id tag of a project: the deployment's random tag mixed with the project's FNV-1a hash. Sequences count per
    /// project (see <see cref="RedisKeys.Sequence"/>), so the tag keeps two projects' ids apart as strings; lookups are
    /// confined to the project's keys whatever an id says.
    /// </summary>
    private uint ProjectTag(string project)
    {
        var hash = 2166136261u;
        foreach (var c in project)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return _storeTag ^ hash;
    }

    private RedisKey[] QueueKeys(string project, string queue) => [_keys.Queue(project, queue), _keys.Catalog(project), _keys.Sequence(project)];

    private async Task<RedisResult> RunAsync(string script, RedisKey[] keys, params RedisValue[] values)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            // Connection loss, timeouts and server refusals (READONLY, OOM, MISCONF: a failed disk write) alike: the
            // change may or may not have been made, so it is not acknowledged.
            ThrowUnavailable(exception);
            throw;
        }
    }

    private async Task<byte[]?> GetMetadataJsonAsync(string project, string queue)
    {
        try
        {
            return await _database.StringGetAsync(_keys.Queue(project, queue) + "meta").ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            ThrowUnavailable(exception);
            throw;
        }
    }

    private static QueueMetadata ParseMetadata(byte[] json) => MetadataDocument.Parse(json, StoredLimits);

    /// <summary>Reads the 7-value message tuples the scripts emit, from <paramref name="start"/>.</summary>
    private List<QueuedMessage> ReadMessages(string project, RedisResult[] values, int start, long nowMs)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        var messages = new List<QueuedMessage>((values.Length - start) / 7);
        for (var i = start; i + 6 < values.Length; i += 7)
        {
            var claim = (long)values[i + 5];
            messages.Add(new QueuedMessage(
                FormatId(project, (long)values[i]),
                (byte[])values[i + 1]!,
                (int)values[i + 3],
                DateTimeOffset.FromUnixTimeMilliseconds((long)values[i + 2]),
                now,
                Guid.ParseExact((string)values[i + 4]!, "N"),
                claim != 0 ? FormatId(project, claim) : null,
                (int)values[i + 6]));
        }

        return messages;
    }
}
