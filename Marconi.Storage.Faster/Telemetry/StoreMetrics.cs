using System.Diagnostics.Metrics;

namespace Marconi.Storage.Faster.Telemetry;

/// <summary>The FASTER store's instruments, on the <see cref="MeterName"/> meter.</summary>
public static class StoreMetrics
{
    /// <summary>The name of the store's meter.</summary>
    public const string MeterName = "Marconi.Storage.Faster";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>How long each group commit of the log took (flush and fsync), in seconds.</summary>
    public static readonly Histogram<double> CommitDuration =
        Meter.CreateHistogram<double>("marconi.store.commit.duration", "s", "How long each group commit of the log took (flush and fsync).");
}
