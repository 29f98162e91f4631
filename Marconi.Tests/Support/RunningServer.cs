using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marconi.Tests.Support;

/// <summary>
/// A server process on a free loopback port, stopped (killed) when disposed if still running. Its stdout (log lines
/// included) is read to the end, so a chatty server never blocks on a full pipe; the lines are kept for tests.
/// </summary>
internal sealed class RunningServer : IDisposable
{
    private const int MaxKeptLines = 20_000;

    private readonly List<string> _output;
    private readonly Task _outputPump;

    private RunningServer(System.Diagnostics.Process process, string url, List<string> output)
    {
        Process = process;
        Url = url;
        _output = output;
        _outputPump = Task.Run(PumpOutputAsync);
    }

    public System.Diagnostics.Process Process { get; }

    public string Url { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The stdout lines so far (the first <see cref="MaxKeptLines"/>), the listening line and those before it included.</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until a stdout line matches; returns it, or null on time-out or exit.</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var found = OutputLines.FirstOrDefault(match);
            if (found is not null || Stopwatch.GetTimestamp() > deadline || _outputPump.IsCompleted)
            {
                return found ?? OutputLines.FirstOrDefault(match);
            }

            await Task.Delay(50);
        }
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, string workingDirectory)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var root = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;
        var server = Path.Combine(root, "Marconi.Server", "bin", configuration, "net10.0", "marconi-server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(server);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public static async Task<RunningServer> StartAsync(string dataDirectory, IEnumerable<string>? extraArguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = StartInfo(["--listen", $"127.0.0.1:{port}", "--data-dir", dataDirectory, .. extraArguments ?? []], dataDirectory);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = System.Diagnostics.Process.Start(start)!;
        var output = new List<string>();
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                lock (errors)
                {
                    throw new InvalidOperationException($"server exited before listening: {errors}");
                }
            }

            output.Add(line);
            if (line == $"Marconi listening on http://127.0.0.1:{port}")
            {
                return new RunningServer(process, $"http://127.0.0.1:{port}", output);
            }
        }
    }

    /// <summary>SIGTERM, then waits (bounded) for the exit and for stdout to be read to its end; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Process.WaitForExitAsync(timeout.Token);
        await _outputPump.WaitAsync(timeout.Token);
        return Process.ExitCode;
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(15_000);
        }

        _outputPump.Wait(TimeSpan.FromSeconds(15));
        Process.Dispose();
    }

    private async Task PumpOutputAsync()
    {
        while (await Process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                if (_output.Count < MaxKeptLines)
                {
                    _output.Add(line);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
