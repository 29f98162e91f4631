using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marconi.Tests.Support;

/// <summary>A server process on a free loopback port, stopped (killed) when disposed if still running.</summary>
internal sealed class RunningServer : IDisposable
{
    private RunningServer(System.Diagnostics.Process process, string url)
    {
        Process = process;
        Url = url;
    }

    public System.Diagnostics.Process Process { get; }

    public string Url { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

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

            if (line == $"Marconi listening on http://127.0.0.1:{port}")
            {
                return new RunningServer(process, $"http://127.0.0.1:{port}");
            }
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(15_000);
        }

        Process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
