using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Marconi.Storage.Faster.Telemetry;

/// <summary>The FASTER store's instruments, on the <see cref="MeterName"/> meter.</summary>
public static class StoreMetrics
{
    /// <summary>The name of the store's meter.</summary>
    public const string MeterName = "Marconi.Storage.Faster";

    private static readonly Meter Meter = new(MeterName);

    // Open stores and their directories, for the log-size gauge (a gauge per store instance would outlive the store).
    private static readonly ConcurrentDictionary<FasterQueueStore, string> OpenStores = new();

    /// <summary>How long each group commit of the log took (flush and fsync), in seconds.</summary>
    public static readonly Histogram<double> CommitDuration =
        Meter.CreateHistogram<double>("marconi.store.commit.duration", "s", "How long each group commit of the log took (flush and fsync).");

    /// <summary>Messages dropped by the store's sweep because their ttl ran out (tags: project, queue).</summary>
    public static readonly Counter<long> MessagesExpired =
        Meter.CreateCounter<long>("marconi.messages.expired", "{message}", "Messages the store dropped because their ttl ran out.");

    /// <summary>Compaction passes (tags: directory; trigger, maintenance or explicit).</summary>
    public static readonly Counter<long> Compactions =
        Meter.CreateCounter<long>("marconi.store.compactions", "{run}", "Compaction passes: explicit ones, and maintenance passes that moved live messages off old segments.");

    /// <summary>Log bytes dropped from the head of the log by truncation (tag: directory).</summary>
    public static readonly Counter<long> ReclaimedBytes =
        Meter.CreateCounter<long>("marconi.store.compaction.reclaimed", "By", "Log bytes dropped from the head of the log by truncation.");

    /// <summary>Bytes between the log's begin and tail addresses, per open store (tag: directory).</summary>
    public static readonly ObservableGauge<long> LogSize =
        Meter.CreateObservableGauge("marconi.store.log.size", ObserveLogSizes, "By", "Bytes between the log's begin and tail addresses.");

    internal static void Opened(FasterQueueStore store, string directory) => OpenStores[store] = directory;

    internal static void CountCompaction(string directory, string trigger) =>
        Compactions.Add(1, new KeyValuePair<string, object?>("directory", directory), new KeyValuePair<string, object?>("trigger", trigger));

    internal static void CountReclaimed(string directory, long bytes) =>
        ReclaimedBytes.Add(bytes, new KeyValuePair<string, object?>("directory", directory));

    internal static void Closed(FasterQueueStore store) => OpenStores.TryRemove(store, out _);

    internal static void CountExpired(long count, string project, string queue)
    {
        if (count > 0 && MessagesExpired.Enabled)
        {
            MessagesExpired.Add(count, new KeyValuePair<string, object?>("project", project), new KeyValuePair<string, object?>("queue", queue));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveLogSizes()
    {
        foreach (var (store, directory) in OpenStores)
        {
            yield return new Measurement<long>(store.LogSizeBytes, new KeyValuePair<string, object?>("directory", directory));
        }
    }
}
