using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Marconi.Benchmarks.Support;
using Marconi.Core.Model;
using Marconi.Storage.Faster.Journal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Benchmarks.Scaling;

/// <summary>
/// <c>scaling [--depths SMALL,LARGE] [--queues FEW,MANY] [--seconds S] [--warmup S] [--batch N]</c>: per-operation
/// cost at two queue depths (list a page of 10 with and without marker, delete by id, claim 10 + delete them) and of
/// posting one message into a store holding few or many queues, each pair measured side by side in one run on
/// FasterQueueStore over real files, with the ratio large / small and whether it is within the target 1.5×.
/// </summary>
public static class ScalingCommand
{
    private const double TargetRatio = 1.5;
    private const int MaxOperationsPerRow = 2_000_000;
    private const int BodySize = 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int[] depths = [1_000, 1_000_000];
        int[] queues = [10, 100_000];
        var seconds = 3.0;
        var warmup = 0.5;
        var batch = 100;
        for (var i = 0; i < args.Length; i++)
        {
            var ok = i + 1 < args.Length;
            switch (args[i])
            {
                case "--depths" when ok && TryPair(args[i + 1], out depths):
                case "--queues" when ok && TryPair(args[i + 1], out queues):
                case "--seconds" when ok && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seconds) && seconds > 0:
                case "--warmup" when ok && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out warmup) && warmup >= 0:
                case "--batch" when ok && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out batch) && batch is > 0 and <= 1000:
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"scaling: unknown or bad argument '{args[i]}'. Usage: scaling [--depths SMALL,LARGE] [--queues FEW,MANY] [--seconds S] [--warmup S] [--batch N]");
                    return 2;
            }
        }

        ThreadPoolMinimum.Ensure(NullLogger.Instance);
        var body = SampleBodies.Json(BodySize);
        var window = TimeSpan.FromSeconds(seconds);
        var warm = TimeSpan.FromSeconds(warmup);
        var total = Stopwatch.StartNew();
        var rows = new List<Row>();
        Progress($"scaling: depths {depths[0]:N0} vs {depths[1]:N0}, queues {queues[0]:N0} vs {queues[1]:N0}, {seconds:0.#} s per row, {Environment.ProcessorCount} cores, load {LoadAverage()}");

        // Both stores of a pair are open together and each operation runs on one and then the other right after, so
        // the two figures of a row see the same machine.
        {
            Progress($"filling a queue of {depths[0]:N0}...");
            await using var small = await DeepQueue.FillAsync(depths[0], body, batch);
            Progress($"filling a queue of {depths[1]:N0} (relaxed batches of {batch})...");
            var fill = Stopwatch.StartNew();
            await using var large = await DeepQueue.FillAsync(depths[1], body, batch);
            Progress($"  filled in {fill.Elapsed.TotalSeconds:0.0} s");

            rows.Add(await PairAsync("list 10, no marker (head)", "depth", small.Depth, large.Depth, q => q.ListHeadAsync, null, small, large, warm, window));
            rows.Add(await PairAsync("list 10 after a marker (middle)", "depth", small.Depth, large.Depth, q => q.ListAfterMarkerAsync, null, small, large, warm, window));
            rows.Add(await PairAsync("delete 1 by id (durable)", "depth", small.Depth, large.Depth, q => q.DeleteByIdAsync, q => q.ReplaceDeletedAsync, small, large, warm, window));
            rows.Add(await PairAsync("claim 10 + delete them (durable)", "depth", small.Depth, large.Depth, q => q.ClaimAndDeleteAsync, q => q.PostTenAsync, small, large, warm, window));
        }

        {
            Progress($"creating {queues[0]:N0} and {queues[1]:N0} queues...");
            var create = Stopwatch.StartNew();
            await using var few = await ManyQueues.CreateAsync(queues[0], body);
            await using var many = await ManyQueues.CreateAsync(queues[1], body);
            Progress($"  created in {create.Elapsed.TotalSeconds:0.0} s");
            rows.Add(await PairAsync("post 1 (durable)", "queues", few.Count, many.Count, q => () => q.PostAsync(WriteDurability.Durable), null, few, many, warm, window));
            rows.Add(await PairAsync("post 1 (relaxed)", "queues", few.Count, many.Count, q => () => q.PostAsync(WriteDurability.Relaxed), null, few, many, warm, window));
        }

        Console.WriteLine();
        Console.WriteLine(Render(rows, seconds, total.Elapsed));
        return 0;
    }

    private static async Task<Row> PairAsync<T>(string operation, string axis, int smallSize, int largeSize, Func<T, Func<ValueTask>> pick, Func<T, Func<ValueTask>>? restore, T small, T large, TimeSpan warmup, TimeSpan window)
    {
        // Both warmed before either is measured: the second must not profit from the first's JIT work.
        await OperationSampler.WarmAsync(pick(small), restore?.Invoke(small), warmup, MaxOperationsPerRow);
        await OperationSampler.WarmAsync(pick(large), restore?.Invoke(large), warmup, MaxOperationsPerRow);
        Progress($"{operation}: {axis} {smallSize:N0}...");
        var a = await OperationSampler.MeasureAsync(pick(small), restore?.Invoke(small), window, MaxOperationsPerRow);
        Progress($"  {a.PerSecond:N0}/s p50 {a.P50Ms:0.000} ms p99 {a.P99Ms:0.000} ms {a.AllocatedBytesPerOperation:N0} B/op");
        Progress($"{operation}: {axis} {largeSize:N0}...");
        var b = await OperationSampler.MeasureAsync(pick(large), restore?.Invoke(large), window, MaxOperationsPerRow);
        Progress($"  {b.PerSecond:N0}/s p50 {b.P50Ms:0.000} ms p99 {b.P99Ms:0.000} ms {b.AllocatedBytesPerOperation:N0} B/op");
        return new Row(operation, axis, smallSize, largeSize, a, b, LoadAverage());
    }

    private static string Render(List<Row> rows, double seconds, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"### Scaling with work ({seconds:0.#} s measured per cell, one operation in flight, 1 KiB messages, FasterQueueStore defaults on real files)");
        text.AppendLine();
        text.AppendLine("| operation | axis | small | ops/s | p50 ms | p99 ms | B/op | large | ops/s | p50 ms | p99 ms | B/op | cost ratio (large/small, by ops/s) | p50 ratio | within 1.5× | load |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var row in rows)
        {
            var ratio = row.Small.PerSecond / row.Large.PerSecond;
            var p50 = row.Large.P50Ms / row.Small.P50Ms;
            var verdict = ratio <= TargetRatio ? "yes" : "**no**";
            text.AppendLine(c, $"| {row.Operation} | {row.Axis} | {row.SmallSize:N0} | {row.Small.PerSecond:N0} | {row.Small.P50Ms:0.000} | {row.Small.P99Ms:0.000} | {row.Small.AllocatedBytesPerOperation:N0} | {row.LargeSize:N0} | {row.Large.PerSecond:N0} | {row.Large.P50Ms:0.000} | {row.Large.P99Ms:0.000} | {row.Large.AllocatedBytesPerOperation:N0} | {ratio:0.00} | {p50:0.00} | {verdict} | {row.Load} |");
        }

        text.AppendLine();
        text.AppendLine("Cost ratio = small ops/s ÷ large ops/s (above 1 means the larger store is slower); ops/s counts timed calls only, not the untimed step that re-posts what a delete removed to keep the depth constant. B/op: bytes allocated by the whole process during the timed calls.");
        text.AppendLine(c, $"Run took {elapsed.TotalSeconds:0} s on {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}.");
        return text.ToString();
    }

    private static bool TryPair(string text, out int[] pair)
    {
        pair = [];
        var parts = text.Split(',');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var small)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var large)
            || small < 1 || large < small)
        {
            return false;
        }

        pair = [small, large];
        return true;
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or "?" where there is none.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static void Progress(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));

    private sealed record Row(string Operation, string Axis, int SmallSize, int LargeSize, OperationFigures Small, OperationFigures Large, string Load);
}
