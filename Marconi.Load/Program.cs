using System.Diagnostics;
using Marconi.Load;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync("marconi-load: " + e.Message);
    return 2;
}

if (options.Help)
{
    Console.Write(LoadOptions.Usage);
    return 0;
}

await using var run = new LoadRun(options);
var cancelled = 0;
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C ends the loops after their requests in flight (the queues are still deleted); a second one kills.
    if (Interlocked.Exchange(ref cancelled, 1) == 0)
    {
        e.Cancel = true;
        run.Stop();
        Console.Error.WriteLine("stopping after the requests in flight...");
    }
};

try
{
    await run.SetUpAsync();
}
catch (ServerUnreachableException e)
{
    await Console.Error.WriteLineAsync("marconi-load: " + e.Message);
    return 1;
}

await Console.Error.WriteLineAsync(
    $"run {run.RunId}: queues {string.Join(", ", run.Queues)} on {string.Join(", ", options.Urls)}; {options.WarmupSeconds} s warm-up, {options.DurationSeconds} s measured");
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var started = Stopwatch.GetTimestamp();
var (workers, window, issued) = await run.RunAsync();
var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var totals = await run.QueueTotalsAsync();
await run.TearDownAsync();
if (workers.Any(w => w.Stats.Errors.Keys.Any(k => k.EndsWith(" timeout", StringComparison.Ordinal))))
{
    // A request this tool gave up on may still reach the server after the DELETE (a connection the server had not yet
    // accepted), and Zaqar creates a queue on a message post: delete once more after a pause.
    await Console.Error.WriteLineAsync("requests timed out: deleting the queues again in 2 s");
    await Task.Delay(2000);
    await run.TearDownAsync();
}

var report = new Report
{
    Options = options,
    RunId = run.RunId,
    WindowSeconds = window,
    Issued = issued,
    Workers = workers,
    QueueTotals = totals,
    ClientCpuSeconds = cpu,
    ElapsedSeconds = elapsed,
    ClosesConnections = run.ClosesConnections,
    ConnectionsOpened = run.ConnectionsOpened,
};
Console.Write(report.Table());
if (options.Json)
{
    Console.WriteLine(report.Json());
}

if (window <= 0)
{
    await Console.Error.WriteLineAsync("marconi-load: the run ended before the measured window (warm-up longer than the request budget?)");
}

return 0;
