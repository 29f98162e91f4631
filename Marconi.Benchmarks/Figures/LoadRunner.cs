using System.Diagnostics;

namespace Marconi.Benchmarks.Figures;

/// <summary>What one closed-loop load run measured.</summary>
/// <param name="Concurrency">Workers that each had one operation in flight.</param>
/// <param name="Operations">Operations started and finished inside the measured window.</param>
/// <param name="Window">Length of the measured window.</param>
/// <param name="Latencies">Latencies of those operations in Stopwatch ticks, sorted ascending.</param>
public sealed record LoadResult(int Concurrency, long Operations, TimeSpan Window, long[] Latencies)
{
    public double PerSecond => Operations / Window.TotalSeconds;

    public double P50Ms => PercentileMs(0.50);

    public double P99Ms => PercentileMs(0.99);

    /// <summary>Nearest-rank percentile of the recorded latencies, in milliseconds (NaN when nothing was recorded).</summary>
    public double PercentileMs(double quantile)
    {
        if (Latencies.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(quantile * Latencies.Length);
        var index = Math.Clamp(rank - 1, 0, Latencies.Length - 1);
        return Latencies[index] * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>
/// Runs <c>concurrency</c> workers, each awaiting one operation at a time (closed loop), through a warm-up and then a
/// measured window. Bounded in time (warm-up + window, plus whatever the last in-flight operations need) and in count
/// (<c>maxOperations</c> per run, split over the workers).
/// </summary>
public static class LoadRunner
{
    /// <param name="yieldEachOperation">
    /// Yield to the thread pool before each operation. Needed when operations usually complete synchronously
    /// (relaxed posts): otherwise each worker would run its whole share back to back and the workers would not overlap.
    /// </param>
    public static async Task<LoadResult> RunAsync(int concurrency, TimeSpan warmup, TimeSpan window, long maxOperations, Func<int, long, ValueTask> operation, bool yieldEachOperation = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentNullException.ThrowIfNull(operation);
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureUntil = measureFrom + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var perWorkerLimit = Math.Max(1, maxOperations / concurrency);

        var workers = new Task<List<long>>[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var worker = w;
            workers[w] = Task.Run(async () =>
            {
                var latencies = new List<long>(4096);
                for (long i = 0; i < perWorkerLimit; i++)
                {
                    if (yieldEachOperation)
                    {
                        await Task.Yield();
                    }

                    var began = Stopwatch.GetTimestamp();
                    if (began >= measureUntil)
                    {
                        break;
                    }

                    await operation(worker, i);
                    var ended = Stopwatch.GetTimestamp();
                    if (began >= measureFrom && ended <= measureUntil)
                    {
                        latencies.Add(ended - began);
                    }
                }

                return latencies;
            });
        }

        var perWorker = await Task.WhenAll(workers);
        var all = new long[perWorker.Sum(l => l.Count)];
        var offset = 0;
        foreach (var list in perWorker)
        {
            list.CopyTo(all, offset);
            offset += list.Count;
        }

        Array.Sort(all);

        // If the count bound ended the run early, the window is as long as the workers actually ran in it.
        var end = Math.Min(Stopwatch.GetTimestamp(), measureUntil);
        var measured = TimeSpan.FromSeconds(Math.Max(1, end - measureFrom) / (double)Stopwatch.Frequency);
        return new LoadResult(concurrency, all.Length, measured, all);
    }
}
