using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Marconi.Benchmarks.Soak;

/// <summary>The summary of one marconi-load run, read from its --json line.</summary>
public sealed record LoadSummary(double RequestsPerSecond, double PacedRequestsPerSecond, double PostP50Ms, double PostP99Ms, double ClaimP99Ms, long Errors)
{
    /// <summary>Reads the JSON object marconi-load prints as the last line of its stdout.</summary>
    public static LoadSummary Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var roles = root.GetProperty("roles").EnumerateObject().ToList();
        var rate = roles.Sum(r => r.Value.GetProperty("requests_per_s").GetDouble());
        var paced = roles.Where(r => r.Name != "consumers").Sum(r => r.Value.GetProperty("requests_per_s").GetDouble());
        double Latency(string kind, string percentile) =>
            root.GetProperty("latency_ms").TryGetProperty(kind, out var k) && k.TryGetProperty(percentile, out var v) ? v.GetDouble() : double.NaN;
        var errors = root.GetProperty("errors").EnumerateObject().Sum(e => e.Value.GetInt64());
        return new LoadSummary(rate, paced, Latency("post", "p50"), Latency("post", "p99"), Latency("claim", "p99"), errors);
    }
}

/// <summary>Runs the load tool binary as a child process, bounded in time, and returns its summary.</summary>
public static class LoadToolRun
{
    public static async Task<LoadSummary> RunAsync(string loadDll, IEnumerable<string> arguments, double seconds)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(loadDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--json");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();

        // The run ends by itself at its duration; the margin covers start-up, tear-down and a struggling server.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"marconi-load did not finish within {seconds + 60:F0} s"));
        }

        var text = await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"marconi-load exited {process.ExitCode}: {await errors}");
        }

        var last = text.TrimEnd().Split('\n')[^1];
        return LoadSummary.Parse(last);
    }
}
