using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using Marconi.Benchmarks.Support;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;
using Marconi.Storage.Faster.Journal;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Benchmarks.Figures;

/// <summary>
/// <c>figures [--messages N] [--seconds S]</c>: measures, in one process and one run, raw FasterLog in its best mode
/// next to the engine on <see cref="FasterQueueStore"/>, then the index memory per message and the recovery times of
/// a store holding N messages, and prints the results as markdown tables.
/// </summary>
public static class FiguresCommand
{
    private const string Project = "bench";
    private const int BodySize = 1024;
    private const int LoadBatch = 100;
    private const long MaxOperationsPerRun = 5_000_000;
    private const long MaxRelaxedOperationsPerRun = 20_000_000;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        long messages = 1_000_000;
        var seconds = 5.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--messages" when i + 1 < args.Length:
                    messages = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    await Console.Error.WriteLineAsync("usage: figures [--messages N] [--seconds S]");
                    return 2;
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(messages, LoadBatch);
        var window = TimeSpan.FromSeconds(seconds);
        var body = SampleBodies.Json(BodySize);

        // The store raises the thread-pool minimum when it opens its journal; do the same up front so the raw
        // baseline runs with the same pool.
        ThreadPoolMinimum.Ensure(NullLogger.Instance);

        var total = Stopwatch.StartNew();
        Progress($"figures: {messages:N0} messages, {seconds:0.#} s per load run, {Environment.ProcessorCount} cores");

        var raw1 = await MeasureRawAsync(1, body, window);
        var raw64 = await MeasureRawAsync(64, body, window);
        var engineFigures = await MeasureEngineAsync(body, window);
        var index = await MeasureIndexAndRecoveryAsync(messages, body);

        var report = Render(messages, seconds, body, raw1, raw64, engineFigures, index, total.Elapsed);
        Console.WriteLine();
        Console.WriteLine(report);
        return 0;
    }

    private static async Task<LoadResult> MeasureRawAsync(int writers, byte[] entry, TimeSpan window)
    {
        using var directory = new TempDirectory("raw");
        using var log = new RawFasterLogBaseline(directory.Path);
        Progress($"raw FasterLog, {writers} writer(s)...");
        var result = await LoadRunner.RunAsync(writers, Warmup, window, MaxOperationsPerRun, (_, _) => log.AppendDurableAsync(entry));
        Progress($"  {result.PerSecond:N0}/s p50 {result.P50Ms:0.000} ms p99 {result.P99Ms:0.000} ms; {log.Commits:N0} commits in the whole run (warm-up included)");
        return result;
    }

    private static async Task<EngineFigures> MeasureEngineAsync(byte[] body, TimeSpan window)
    {
        using var directory = new TempDirectory("engine");
        var store = await FasterQueueStore.OpenAsync(directory.Path);
        try
        {
            var engine = new QueueEngine(store);
            var queues = Enumerable.Range(0, 64).Select(i => $"q{i:D2}").ToArray();
            foreach (var queue in queues)
            {
                await engine.CreateQueueAsync(Project, queue);
            }

            NewMessage[] post = [new NewMessage(body)];
            var clients = Enumerable.Range(0, 64).Select(_ => Guid.NewGuid()).ToArray();

            Progress("engine, 1 poster...");
            var one = await LoadRunner.RunAsync(1, Warmup, window, MaxOperationsPerRun, async (w, _) => await engine.PostMessagesAsync(Project, queues[0], post, clients[w]));
            Progress($"  {one.PerSecond:N0}/s p50 {one.P50Ms:0.000} ms p99 {one.P99Ms:0.000} ms");

            Progress("engine, 64 posters on one queue...");
            var same = await LoadRunner.RunAsync(64, Warmup, window, MaxOperationsPerRun, async (w, _) => await engine.PostMessagesAsync(Project, queues[0], post, clients[w]));
            Progress($"  {same.PerSecond:N0}/s p50 {same.P50Ms:0.000} ms p99 {same.P99Ms:0.000} ms");

            Progress("engine, 64 posters over 64 queues...");
            var spread = await LoadRunner.RunAsync(64, Warmup, window, MaxOperationsPerRun, async (w, _) => await engine.PostMessagesAsync(Project, queues[w], post, clients[w]));
            Progress($"  {spread.PerSecond:N0}/s p50 {spread.P50Ms:0.000} ms p99 {spread.P99Ms:0.000} ms");

            // Diagnostic: the same posts without waiting for the commit show the engine's CPU ceiling on this machine.
            Progress("engine, relaxed (not durable), 1 poster and 64 posters over 64 queues...");
            var relaxedOne = await LoadRunner.RunAsync(1, Warmup, window, MaxRelaxedOperationsPerRun, async (w, _) => await engine.PostMessagesAsync(Project, queues[w], post, clients[w], WriteDurability.Relaxed), yieldEachOperation: true);
            var relaxedSpread = await LoadRunner.RunAsync(64, Warmup, window, MaxRelaxedOperationsPerRun, async (w, _) => await engine.PostMessagesAsync(Project, queues[w], post, clients[w], WriteDurability.Relaxed), yieldEachOperation: true);
            Progress($"  {relaxedOne.PerSecond:N0}/s and {relaxedSpread.PerSecond:N0}/s");
            return new EngineFigures(one, same, spread, relaxedOne, relaxedSpread);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    private static async Task<IndexFigures> MeasureIndexAndRecoveryAsync(long messages, byte[] body)
    {
        using var directory = new TempDirectory("index");
        var client = Guid.NewGuid();
        var batch = Enumerable.Repeat(new NewMessage(body), LoadBatch).ToArray();
        var figures = new IndexFigures { Messages = messages };

        var store = await FasterQueueStore.OpenAsync(directory.Path);
        try
        {
            var engine = new QueueEngine(store);

            // Fill the log's in-memory pages (64 MiB by default) through a scratch queue and delete it, so the
            // baseline below already holds the page buffers and the difference is the index alone.
            Progress("index: warming the log buffer...");
            var warmBatches = (int)((80L << 20) / (LoadBatch * (long)body.Length));
            for (var i = 0; i < warmBatches; i++)
            {
                await engine.PostMessagesAsync(Project, "scratch", batch, client, WriteDurability.Relaxed);
            }

            await engine.DeleteQueueAsync(Project, "scratch");
            await engine.CreateQueueAsync(Project, "held");

            // A checkpoint holds a copy of the index while it is written: take one now (which also waits for any
            // maintenance checkpoint in flight) so that neither measurement catches such a copy.
            await store.CheckpointAsync();
            var before = LiveHeapBytes();

            Progress($"index: posting {messages:N0} messages in batches of {LoadBatch} (relaxed)...");
            var load = Stopwatch.StartNew();
            var remaining = messages - 1;
            while (remaining > 0)
            {
                var count = (int)Math.Min(LoadBatch, remaining);
                var posted = count == LoadBatch ? batch : batch[..count];
                await engine.PostMessagesAsync(Project, "held", posted, client, WriteDurability.Relaxed);
                remaining -= count;
            }

            // One durable post last: returns once everything before it is on disk too.
            await engine.PostMessagesAsync(Project, "held", [new NewMessage(body)], client);
            figures.LoadTime = load.Elapsed;
            Progress($"  loaded in {figures.LoadTime.TotalSeconds:0.0} s");

            Progress("recovery: checkpointing...");
            await store.CheckpointAsync();
            figures.DiskBytes = store.GetStatistics().DiskBytes;

            var after = LiveHeapBytes();
            figures.MeasuredBytesPerMessage = (after - before) / (double)messages;
            var statistics = store.GetStatistics();
            figures.StatisticsMessageCount = statistics.MessageCount;
            figures.IndexBytesPerMessage = statistics.IndexBytes / (double)Math.Max(1, statistics.MessageCount);
            figures.LogBytes = statistics.LogSizeBytes;
        }
        finally
        {
            await store.DisposeAsync();
        }

        Progress("recovery: reopening from the checkpoint...");
        store = await FasterQueueStore.OpenAsync(directory.Path);
        figures.CheckpointRecovery = Snapshot(store.Recovery);
        await store.DisposeAsync();

        // Again: the first reopen in this process also pays for JIT-compiling the recovery path, as a restarted
        // server would; the second shows the steady cost.
        Progress("recovery: reopening from the checkpoint a second time...");
        store = await FasterQueueStore.OpenAsync(directory.Path);
        figures.CheckpointRecoveryAgain = Snapshot(store.Recovery);
        await store.DisposeAsync();

        foreach (var file in Directory.EnumerateFiles(directory.Path, "index.ckpt*"))
        {
            File.Delete(file);
        }

        Progress("recovery: reopening with full replay (index.ckpt* deleted)...");
        store = await FasterQueueStore.OpenAsync(directory.Path);
        figures.ReplayRecovery = Snapshot(store.Recovery);
        await store.DisposeAsync();
        return figures;
    }

    /// <summary>GC.GetTotalMemory(true) after a blocking, compacting full collection that also compacts the large-object heap.</summary>
    private static long LiveHeapBytes()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static RecoveryFigures Snapshot(RecoveryReport report) =>
        new(report.Duration, report.CheckpointLoaded, report.RecordsReplayed, report.MessagesRecovered, report.Problems.Count);

    private static string Render(
        long messages,
        double seconds,
        byte[] body,
        LoadResult raw1,
        LoadResult raw64,
        EngineFigures engine,
        IndexFigures index,
        TimeSpan elapsed)
    {
        using var buffer = new RecordBuffer();
        var (_, stored) = BodyCodec.Write(buffer, body);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"### Durable writes, 1 KiB entries ({seconds:0.#} s measured per row after 1 s warm-up)");
        text.AppendLine();
        text.AppendLine("| scenario | concurrency | durable ops/s | p50 ms | p99 ms | engine / raw |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        Row(text, "raw FasterLog, best mode (Enqueue + WaitForCommitAsync)", raw1, null);
        Row(text, "raw FasterLog, best mode (Enqueue + WaitForCommitAsync)", raw64, null);
        Row(text, "engine PostMessagesAsync (1 msg), 1 queue", engine.One, raw1);
        Row(text, "engine PostMessagesAsync (1 msg), 64 posters on 1 queue", engine.SameQueue, raw64);
        Row(text, "engine PostMessagesAsync (1 msg), 64 posters on 64 queues", engine.SpreadQueues, raw64);
        Row(text, "diagnostic, not durable: engine post, WriteDurability.Relaxed (Task.Yield per op), 1 queue", engine.RelaxedOne, null);
        Row(text, "diagnostic, not durable: engine post, WriteDurability.Relaxed (Task.Yield per op), 64 queues", engine.RelaxedSpread, null);
        text.AppendLine();
        text.AppendLine(c, $"Body: {body.Length} B JSON, stored by BodyCodec as {stored} B ({(stored == body.Length ? "uncompressed" : "LZ4")}).");
        text.AppendLine();
        text.AppendLine(c, $"### Index memory and recovery, {messages:N0} queued messages of 1 KiB");
        text.AppendLine();
        text.AppendLine("| figure | value |");
        text.AppendLine("|---|---:|");
        text.AppendLine(c, $"| MessageEntry.Size (bytes per index slot) | {MessageEntry.Size} |");
        text.AppendLine(c, $"| managed heap growth per message ((GC.GetTotalMemory(true) after - before) / N; full compacting GC incl. LOH, both right after a checkpoint) | {index.MeasuredBytesPerMessage:0.0} B |");
        text.AppendLine(c, $"| index array bytes per message (StoreStatistics.IndexBytes / MessageCount) | {index.IndexBytesPerMessage:0.0} B |");
        text.AppendLine(c, $"| messages held (StoreStatistics.MessageCount) | {index.StatisticsMessageCount:N0} |");
        text.AppendLine(c, $"| load time (relaxed batches of {LoadBatch} + 1 durable post) | {index.LoadTime.TotalSeconds:0.0} s ({messages / index.LoadTime.TotalSeconds:N0} msg/s) |");
        text.AppendLine(c, $"| log size (tail - begin) | {Mib(index.LogBytes)} |");
        text.AppendLine(c, $"| disk bytes after checkpoint (StoreStatistics.DiskBytes) | {Mib(index.DiskBytes)} ({index.DiskBytes / (double)messages:0} B/msg) |");
        text.AppendLine(c, $"| reopen with index checkpoint (Recovery.Duration) | {index.CheckpointRecovery.Duration.TotalMilliseconds:N0} ms (checkpoint loaded: {index.CheckpointRecovery.CheckpointLoaded}, records replayed: {index.CheckpointRecovery.RecordsReplayed:N0}, messages: {index.CheckpointRecovery.Messages:N0}) |");
        text.AppendLine(c, $"| same, second reopen in this process (Recovery.Duration) | {index.CheckpointRecoveryAgain.Duration.TotalMilliseconds:N0} ms (checkpoint loaded: {index.CheckpointRecoveryAgain.CheckpointLoaded}, records replayed: {index.CheckpointRecoveryAgain.RecordsReplayed:N0}, messages: {index.CheckpointRecoveryAgain.Messages:N0}) |");
        text.AppendLine(c, $"| reopen with full replay, index.ckpt* deleted (Recovery.Duration) | {index.ReplayRecovery.Duration.TotalMilliseconds:N0} ms (checkpoint loaded: {index.ReplayRecovery.CheckpointLoaded}, records replayed: {index.ReplayRecovery.RecordsReplayed:N0}, messages: {index.ReplayRecovery.Messages:N0}) |");
        if (index.CheckpointRecovery.Problems + index.CheckpointRecoveryAgain.Problems + index.ReplayRecovery.Problems > 0)
        {
            text.AppendLine(c, $"| recovery problems reported | {index.CheckpointRecovery.Problems} / {index.CheckpointRecoveryAgain.Problems} / {index.ReplayRecovery.Problems} |");
        }

        text.AppendLine();
        text.AppendLine(c, $"Run took {elapsed.TotalSeconds:0} s on {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}.");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string scenario, LoadResult result, LoadResult? raw)
    {
        var ratio = raw is null ? "-" : (result.PerSecond / raw.PerSecond).ToString("0.00", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {result.Concurrency} | {result.PerSecond:N0} | {result.P50Ms:0.000} | {result.P99Ms:0.000} | {ratio} |");
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):N1} MiB");

    private static void Progress(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));

    private sealed record EngineFigures(LoadResult One, LoadResult SameQueue, LoadResult SpreadQueues, LoadResult RelaxedOne, LoadResult RelaxedSpread);

    private sealed record RecoveryFigures(TimeSpan Duration, bool CheckpointLoaded, long RecordsReplayed, long Messages, int Problems);

    private sealed class IndexFigures
    {
        public long Messages { get; init; }

        public TimeSpan LoadTime { get; set; }

        public double MeasuredBytesPerMessage { get; set; }

        public double IndexBytesPerMessage { get; set; }

        public long StatisticsMessageCount { get; set; }

        public long LogBytes { get; set; }

        public long DiskBytes { get; set; }

        public RecoveryFigures CheckpointRecovery { get; set; } = new(TimeSpan.Zero, false, 0, 0, 0);

        public RecoveryFigures CheckpointRecoveryAgain { get; set; } = new(TimeSpan.Zero, false, 0, 0, 0);

        public RecoveryFigures ReplayRecovery { get; set; } = new(TimeSpan.Zero, false, 0, 0, 0);
    }
}
