using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Marconi.Benchmarks.Support;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;

namespace Marconi.Benchmarks.Memory;

/// <summary>
/// <c>memory [--messages N] [--port P] [--server DLL] [--pages N]</c>: fills a data directory with N queued 1 KiB
/// messages through the engine, closes it, reopens it in-process (store open time), then starts the real
/// <c>marconi-server</c> on it and measures the time until it answers <c>GET /v2/health</c> and its resident memory
/// (VmRSS, VmHWM) right after, after paging through the queue and after a few idle seconds; the server is killed at the end.
/// </summary>
public static class MemoryCommand
{
    private const string Project = "memory";
    private const string Queue = "held";
    private const int BodySize = 1024;
    private const int Batch = 100;
    private const double TargetRssMb = 300;
    private const double TargetStartSeconds = 5;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var messages = 1_000_000;
        var port = 19250;
        var pages = 50;
        string? server = null;
        for (var i = 0; i < args.Length; i++)
        {
            var ok = i + 1 < args.Length;
            switch (args[i])
            {
                case "--messages" when ok && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out messages) && messages > 0:
                case "--port" when ok && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536:
                case "--pages" when ok && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out pages) && pages >= 0:
                    i++;
                    break;
                case "--server" when ok:
                    server = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"memory: unknown or bad argument '{args[i]}'. Usage: memory [--messages N] [--port P] [--server DLL] [--pages N]");
                    return 2;
            }
        }

        server ??= FindServerDll();
        if (server is null || !File.Exists(server))
        {
            await Console.Error.WriteLineAsync("memory: marconi-server.dll not found; build the solution in Release or pass --server PATH.");
            return 2;
        }

        var total = Stopwatch.StartNew();
        using var directory = new TempDirectory("memory");
        var figures = new Figures { Messages = messages };
        Progress($"memory: filling {directory.Path} with {messages:N0} messages of {BodySize} B (relaxed batches of {Batch}, last post durable)...");
        await FillAsync(directory.Path, messages, figures);
        Progress($"  filled in {figures.FillTime.TotalSeconds:0.0} s, {figures.DiskBytes / 1_000_000.0:N0} MB on disk");

        Progress("reopening in-process...");
        await using (var store = await FasterQueueStore.OpenAsync(directory.Path))
        {
            figures.OpenTime = store.Recovery.Duration;
            figures.OpenCheckpointLoaded = store.Recovery.CheckpointLoaded;
            figures.OpenMessages = store.Recovery.MessagesRecovered;
        }

        Progress($"  Recovery.Duration {figures.OpenTime.TotalMilliseconds:N0} ms ({figures.OpenMessages:N0} messages)");

        Progress($"starting {server} on 127.0.0.1:{port}...");
        figures.LoadBefore = LoadAverage();
        using (var process = await ServerUnderTest.StartAsync(server, directory.Path, port, Project))
        {
            figures.TimeToHealthy = process.TimeToHealthy;
            figures.AfterStart = process.Memory();
            Progress($"  healthy after {figures.TimeToHealthy.TotalMilliseconds:N0} ms, VmRSS {figures.AfterStart.RssMb:N1} MB, VmHWM {figures.AfterStart.PeakRssMb:N1} MB");

            figures.Listed = await PageAsync(process.Client, pages);
            figures.AfterLists = process.Memory();
            Progress($"  after {pages} pages ({figures.Listed} messages): VmRSS {figures.AfterLists.RssMb:N1} MB, VmHWM {figures.AfterLists.PeakRssMb:N1} MB");

            // Idle for a few maintenance ticks (1 s each): what the server holds while it sits on the backlog.
            await Task.Delay(Settle);
            figures.AfterIdle = process.Memory();
            Progress($"  after {Settle.TotalSeconds:0} s idle: VmRSS {figures.AfterIdle.RssMb:N1} MB, VmHWM {figures.AfterIdle.PeakRssMb:N1} MB");
        }

        figures.LoadAfter = LoadAverage();
        Console.WriteLine();
        Console.WriteLine(Render(figures, total.Elapsed));
        return 0;
    }

    private static async Task FillAsync(string path, int messages, Figures figures)
    {
        var body = SampleBodies.Json(BodySize);
        var batch = Enumerable.Repeat(new NewMessage(body), Batch).ToArray();
        var client = Guid.NewGuid();
        var fill = Stopwatch.StartNew();
        await using var store = await FasterQueueStore.OpenAsync(path);
        var engine = new QueueEngine(store);
        for (var posted = 0; posted < messages;)
        {
            var count = Math.Min(Batch, messages - posted);
            var durability = posted + count == messages ? WriteDurability.Durable : WriteDurability.Relaxed;
            await engine.PostMessagesAsync(Project, Queue, count == Batch ? batch : batch[..count], client, durability);
            posted += count;
        }

        // What a server that ran for a while leaves behind: a checkpoint of the index, the log after it. What the
        // checkpoint allocates is what a periodic one adds to a running server's memory.
        figures.FillTime = fill.Elapsed;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var checkpoint = Stopwatch.StartNew();
        await store.CheckpointAsync();
        figures.CheckpointTime = checkpoint.Elapsed;
        figures.CheckpointAllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        figures.DiskBytes = store.GetStatistics().DiskBytes;
    }

    /// <summary>Pages through the queue from its head by the <c>next</c> links, as an observer would; returns the messages seen.</summary>
    private static async Task<int> PageAsync(HttpClient client, int pages)
    {
        var seen = 0;
        var next = $"v2/queues/{Queue}/messages?limit=10&echo=true";
        for (var page = 0; page < pages; page++)
        {
            using var response = await client.GetAsync(new Uri(next, UriKind.Relative));
            response.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            seen += document.RootElement.GetProperty("messages").GetArrayLength();
            string? href = null;
            foreach (var link in document.RootElement.GetProperty("links").EnumerateArray())
            {
                if (link.GetProperty("rel").GetString() == "next")
                {
                    href = link.GetProperty("href").GetString();
                }
            }

            if (href is null)
            {
                break;
            }

            next = href.TrimStart('/');
        }

        return seen;
    }

    private static string Render(Figures f, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"### Server memory and start-up with {f.Messages:N0} queued messages of {BodySize} B");
        text.AppendLine();
        text.AppendLine("| figure | value | target |");
        text.AppendLine("|---|---:|---|");
        text.AppendLine(c, $"| fill through the engine (relaxed batches of {Batch}, checkpoint) | {f.FillTime.TotalSeconds:0.0} s | |");
        text.AppendLine(c, $"| disk bytes (StoreStatistics.DiskBytes) | {f.DiskBytes / 1_000_000.0:N0} MB | |");
        text.AppendLine(c, $"| one index checkpoint in-process: time / bytes allocated (the whole process) | {f.CheckpointTime.TotalSeconds:0.000} s / {f.CheckpointAllocatedBytes / 1_000_000.0:N1} MB | |");
        text.AppendLine(c, $"| in-process FasterQueueStore.OpenAsync (Recovery.Duration; checkpoint loaded: {f.OpenCheckpointLoaded}, {f.OpenMessages:N0} messages) | {f.OpenTime.TotalSeconds:0.000} s | ≤ {TargetStartSeconds} s: {Verdict(f.OpenTime.TotalSeconds <= TargetStartSeconds)} |");
        text.AppendLine(c, $"| server process start to first 2xx on GET /v2/health (runtime start + recovery + listen) | {f.TimeToHealthy.TotalSeconds:0.000} s | ≤ {TargetStartSeconds} s: {Verdict(f.TimeToHealthy.TotalSeconds <= TargetStartSeconds)} |");
        text.AppendLine(c, $"| server VmRSS / VmHWM right after healthy | {f.AfterStart.RssMb:N1} / {f.AfterStart.PeakRssMb:N1} MB | VmRSS ≤ {TargetRssMb} MB: {Verdict(f.AfterStart.RssMb <= TargetRssMb)} |");
        text.AppendLine(c, $"| server VmRSS / VmHWM after paging {f.Listed:N0} messages (GET .../messages?limit=10&echo=true by next links) | {f.AfterLists.RssMb:N1} / {f.AfterLists.PeakRssMb:N1} MB | VmRSS ≤ {TargetRssMb} MB: {Verdict(f.AfterLists.RssMb <= TargetRssMb)}; VmHWM: {Verdict(f.AfterLists.PeakRssMb <= TargetRssMb)} |");
        text.AppendLine(c, $"| server VmRSS / VmHWM after {Settle.TotalSeconds:0} s idle (maintenance ticks every 1 s) | {f.AfterIdle.RssMb:N1} / {f.AfterIdle.PeakRssMb:N1} MB | VmRSS ≤ {TargetRssMb} MB: {Verdict(f.AfterIdle.RssMb <= TargetRssMb)}; VmHWM: {Verdict(f.AfterIdle.PeakRssMb <= TargetRssMb)} |");
        text.AppendLine();
        text.AppendLine(c, $"MB = 10^6 bytes. Load average {f.LoadBefore} before starting the server, {f.LoadAfter} after. Run took {elapsed.TotalSeconds:0} s on {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}.");
        return text.ToString();
    }

    private static string Verdict(bool met) => met ? "met" : "**not met**";

    /// <summary>The Release build of the server next to this benchmark's own build in the same repository.</summary>
    private static string? FindServerDll()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Marconi.sln")))
            {
                return Path.Combine(directory.FullName, "Marconi.Server", "bin", "Release", "net10.0", "marconi-server.dll");
            }
        }

        return null;
    }

    private static string LoadAverage() => Scaling.ScalingCommand.LoadAverage();

    private static void Progress(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));

    private sealed class Figures
    {
        public int Messages { get; init; }

        public TimeSpan FillTime { get; set; }

        public long DiskBytes { get; set; }

        public TimeSpan CheckpointTime { get; set; }

        public long CheckpointAllocatedBytes { get; set; }

        public TimeSpan OpenTime { get; set; }

        public bool OpenCheckpointLoaded { get; set; }

        public long OpenMessages { get; set; }

        public TimeSpan TimeToHealthy { get; set; }

        public ProcessMemory AfterStart { get; set; }

        public ProcessMemory AfterLists { get; set; }

        public ProcessMemory AfterIdle { get; set; }

        public int Listed { get; set; }

        public string LoadBefore { get; set; } = "?";

        public string LoadAfter { get; set; } = "?";
    }
}
