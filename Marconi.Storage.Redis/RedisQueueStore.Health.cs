using Marconi.Core.Model;
using StackExchange.Redis;

namespace Marconi.Storage.Redis;

public sealed partial class RedisQueueStore
{
    /// <summary>
    /// Redis's health as this store sees it: ok when a PING answers, with that round trip as the latency figure (a write
    /// is one round trip to Redis, whose own fsync policy decides durability); the append-only file's size when Redis
    /// reports one (<c>INFO persistence</c>, <c>aof_current_size</c>). Free disk space is Redis's machine's and unknown here.
    /// </summary>
    public async ValueTask<StoreHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        TimeSpan roundTrip;
        try
        {
            roundTrip = await _database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return new StoreHealth { Backend = "redis", Status = StoreStatus.Unavailable, Detail = $"Redis does not answer: {exception.Message}" };
        }

        var seconds = roundTrip.TotalSeconds;
        return new StoreHealth
        {
            Backend = "redis",
            Status = StoreStatus.Ok,
            LogSizeBytes = await AppendOnlyFileSizeAsync().ConfigureAwait(false),
            CommitLatency = new CommitLatency(1, seconds, seconds, seconds, seconds),
        };
    }

    private async Task<long?> AppendOnlyFileSizeAsync()
    {
        try
        {
            var info = await _database.ExecuteAsync("INFO", "persistence").ConfigureAwait(false);
            var text = (string?)info;
            if (text is null)
            {
                return null;
            }

            foreach (var line in text.Split('\n'))
            {
                const string Key = "aof_current_size:";
                if (line.StartsWith(Key, StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(Key.Length).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
                {
                    return size;
                }
            }
        }
        catch (RedisException)
        {
            // INFO refused (a restricted user, or a server without it): the size is unknown.
        }

        return null;
    }
}
