using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Marconi.Benchmarks.Memory;
using Marconi.Benchmarks.Support;
using Marconi.Storage.Faster;

namespace Marconi.Benchmarks.Soak;

/// <summary>
/// <c>soak [--seconds 300] [--window 10] [--peak-seconds 8] [--fraction 0.5] [--server DLL] [--load DLL]</c>: starts
/// marconi-server on a fresh data directory, measures the mixed load's peak with one unpaced marconi-load run, then
/// runs back-to-back marconi-load windows paced (<c>--rate</c>) at the fraction of that peak for the given time,
/// sampling the server's VmRSS and the data directory's size after each window. Prints a table of the windows and the
/// <see cref="SoakVerdict"/>; exits 1 when a rule fails, 2 on bad arguments.
/// </summary>
public static class SoakCommand
{
    // The mixed load of the figures: producers, consumers (claim + delete) and an observer paging.
    private static readonly string[] Mix = ["--producers", "4", "--consumers", "4", "--observers", "1"];

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        double seconds = 300, window = 10, peakSeconds = 8, fraction = 0.5;
        var smoke = false;
        string? serverDll = null, loadDll = null;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--seconds": seconds = Number(Value(), 3, 86_400); break;
                    case "--window": window = Number(Value(), 1, 600); break;
                    case "--peak-seconds": peakSeconds = Number(Value(), 1, 600); break;
                    case "--fraction": fraction = Number(Value(), 0.01, 1); break;
                    case "--server": serverDll = Value(); break;
                    case "--load": loadDll = Value(); break;
                    case "--smoke": smoke = true; break;
                    default: throw new FormatException($"unknown option {args[i]}");
                }
            }
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync("soak: " + e.Message);
            return 2;
        }

        serverDll ??= ReleaseDll("Marconi.Server", "marconi-server.dll");
        loadDll ??= ReleaseDll("Marconi.Load", "marconi-load.dll");
        if (serverDll is null || !File.Exists(serverDll) || loadDll is null || !File.Exists(loadDll))
        {
            await Console.Error.WriteLineAsync("soak: marconi-server.dll or marconi-load.dll not found; build the solution in Release or pass --server/--load.");
            return 2;
        }

        var c = CultureInfo.InvariantCulture;
        using var data = new TempDirectory("soak");
        var loadBefore = Scaling.ScalingCommand.LoadAverage();
        using var server = await ServerUnderTest.StartAsync(serverDll, data.Path, FreePort(), "soak");
        // A soak stopped by SIGTERM or Ctrl-C must not leave its server running: the runtime raises ProcessExit for both.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        var url = server.BaseAddress.ToString().TrimEnd('/');
        Progress($"server pid {server.ProcessId} on {url}, data {data.Path}; load average {loadBefore}");

        var peak = await LoadToolRun.RunAsync(loadDll, ["--url", url, .. Mix, "--warmup", "2", "--duration", peakSeconds.ToString(c)], peakSeconds + 2);
        // --rate paces the producers and the observer; the consumers follow what is posted.
        var target = Math.Max(1, Math.Round(peak.PacedRequestsPerSecond * fraction));
        Progress(string.Create(c, $"peak {peak.RequestsPerSecond:F0} req/s, {peak.PacedRequestsPerSecond:F0} of them producers + observer (post p99 {peak.PostP99Ms:F2} ms); soaking at --rate {target:F0} for {seconds:F0} s in {window:F0} s windows"));

        var windows = new List<SoakWindow>();
        var began = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(began).TotalSeconds + (window / 2) < seconds)
        {
            var summary = await LoadToolRun.RunAsync(
                loadDll, ["--url", url, .. Mix, "--rate", target.ToString(c), "--warmup", "0", "--duration", window.ToString(c)], window);
            var memory = server.Memory();
            var sample = new SoakWindow(windows.Count, Stopwatch.GetElapsedTime(began).TotalSeconds, summary.RequestsPerSecond, summary.PacedRequestsPerSecond, summary.PostP50Ms,
                summary.PostP99Ms, summary.ClaimP99Ms, summary.Errors, memory.RssBytes, DirectorySize(data.Path));
            windows.Add(sample);
            Progress(Row(sample));
        }

        var rules = SoakVerdict.Judge(windows, target, 1L << new FasterQueueStoreOptions().SegmentSizeBits);
        Console.Write(Table(peak, target, fraction, windows, rules, loadBefore, Scaling.ScalingCommand.LoadAverage()));
        // A smoke (CI, a shared machine) fails on memory, disk and errors only: speed is judged by benchmarks, not here.
        return rules.All(r => r.Passed || (smoke && r.Timing)) ? 0 : 1;
    }

    private static string Table(LoadSummary peak, double target, double fraction, List<SoakWindow> windows, IReadOnlyList<SoakRule> rules, string loadBefore, string loadAfter)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"soak: mixed load {string.Join(' ', Mix)}; peak {peak.RequestsPerSecond:F0} req/s ({peak.PacedRequestsPerSecond:F0} producers + observer), paced at {fraction:P0} of the latter: --rate {target:F0}; load average {loadBefore} before, {loadAfter} after");
        text.AppendLine(c, $"{"window",6} {"end s",7} {"req/s",8} {"paced",7} {"post p50",9} {"post p99",9} {"claim p99",10} {"errors",7} {"RSS MB",8} {"disk MB",8}");
        foreach (var w in windows)
        {
            text.AppendLine(Row(w));
        }

        text.AppendLine(c, $"verdict (window 0 is warm-up; last third against first third, by median): {(rules.All(r => r.Passed) ? "PASS" : "FAIL")}");
        foreach (var rule in rules)
        {
            text.AppendLine(c, $"  {(rule.Passed ? "ok  " : "FAIL")} {rule.Name}{(rule.Timing ? " (timing)" : "")}: {rule.Detail}");
        }

        return text.ToString();
    }

    private static string Row(SoakWindow w) => string.Create(CultureInfo.InvariantCulture,
        $"{w.Index,6} {w.EndSeconds,7:F0} {w.RequestsPerSecond,8:F0} {w.PacedRequestsPerSecond,7:F0} {w.P50Ms,9:F2} {w.P99Ms,9:F2} {w.ClaimP99Ms,10:F2} {w.Errors,7} {w.RssBytes / 1e6,8:F1} {w.DiskBytes / 1e6,8:F1}");

    private static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Exists ? f.Length : 0);

    private static double Number(string text, double min, double max) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{text}: a number from {min} to {max}"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? ReleaseDll(string project, string dll)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Marconi.sln")))
            {
                return Path.Combine(directory.FullName, project, "bin", "Release", "net10.0", dll);
            }
        }

        return null;
    }

    private static void Progress(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
}
