using System.Diagnostics;
using Marconi.Benchmarks.Figures;

namespace Marconi.Benchmarks.Scaling;

/// <summary>What <see cref="OperationSampler"/> measured for one operation on one store.</summary>
/// <param name="Timing">Latencies of the timed operations (one in flight); ops/s is operations per second of timed work.</param>
/// <param name="AllocatedBytesPerOperation">Bytes allocated by the whole process while the timed operations ran, per operation.</param>
internal sealed record OperationFigures(LoadResult Timing, double AllocatedBytesPerOperation)
{
    public double PerSecond => Timing.PerSecond;

    public double P50Ms => Timing.P50Ms;

    public double P99Ms => Timing.P99Ms;
}

/// <summary>
/// Runs one operation back to back (one in flight), timing each call and counting the bytes the process allocated
/// during it. An optional untimed step after each call restores the fixture (for example re-posting what a delete
/// removed), so the queue depth stays the same for the whole run.
/// </summary>
internal static class OperationSampler
{
    /// <summary>Runs the operation (and its restore step) untimed for <paramref name="warmup"/>, so the JIT has tiered it up.</summary>
    public static async Task WarmAsync(Func<ValueTask> operation, Func<ValueTask>? restore, TimeSpan warmup, int maxOperations)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var warmUntil = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < maxOperations && Stopwatch.GetTimestamp() < warmUntil; i++)
        {
            await operation();
            if (restore is not null)
            {
                await restore();
            }
        }
    }

    /// <summary>A measured window, bounded by <paramref name="window"/> and by <paramref name="maxOperations"/>.</summary>
    public static async Task<OperationFigures> MeasureAsync(Func<ValueTask> operation, Func<ValueTask>? restore, TimeSpan window, int maxOperations)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var latencies = new long[maxOperations];
        var count = 0;
        long timed = 0, allocated = 0;
        var windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
        var until = Stopwatch.GetTimestamp() + windowTicks;
        while (count < maxOperations && Stopwatch.GetTimestamp() < until)
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var began = Stopwatch.GetTimestamp();
            await operation();
            var took = Stopwatch.GetTimestamp() - began;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            latencies[count++] = took;
            timed += took;
            if (restore is not null)
            {
                await restore();
            }
        }

        Array.Resize(ref latencies, count);
        Array.Sort(latencies);

        // Ops/s over the timed calls only: the restore step is not part of the operation's cost.
        var timing = new LoadResult(1, count, TimeSpan.FromSeconds(Math.Max(1, timed) / (double)Stopwatch.Frequency), latencies);
        return new OperationFigures(timing, count == 0 ? double.NaN : allocated / (double)count);
    }
}
