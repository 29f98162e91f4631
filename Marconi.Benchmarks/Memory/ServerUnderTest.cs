using System.Diagnostics;
using System.Net;

namespace Marconi.Benchmarks.Memory;

/// <summary>
/// The real <c>marconi-server</c> binary started as a child process on a data directory and a loopback port, with
/// the time it took to answer its first health request. Disposing kills it.
/// </summary>
internal sealed class ServerUnderTest : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private readonly Process _process;

    private ServerUnderTest(Process process, Uri baseAddress, HttpClient client)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = client;
    }

    public Uri BaseAddress { get; }

    /// <summary>A client on the server's address with the Client-ID and X-Project-ID headers every request needs.</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>From starting the process to the first 2xx answer to <c>GET /v2/health</c>.</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    /// <summary>Starts <c>dotnet SERVER_DLL --listen 127.0.0.1:PORT --data-dir DIR</c> and waits until it answers.</summary>
    public static async Task<ServerUnderTest> StartAsync(string serverDll, string dataDirectory, int port, string project)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add($"127.0.0.1:{port}");
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDirectory);

        var began = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");

        // Drain its output so a full pipe never blocks it.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("Client-ID", Guid.NewGuid().ToString());
        client.DefaultRequestHeaders.Add("X-Project-ID", project);
        var server = new ServerUnderTest(process, baseAddress, client);
        try
        {
            server.TimeToHealthy = await server.WaitHealthyAsync(began);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public ProcessMemory Memory() => ProcessMemory.Read(_process.Id);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        Client.Dispose();
        _process.Dispose();
    }

    private async Task<TimeSpan> WaitHealthyAsync(long began)
    {
        while (Stopwatch.GetElapsedTime(began) < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"marconi-server exited with code {_process.ExitCode} before answering.");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("v2/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(began);
                }

                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    throw new InvalidOperationException($"GET /v2/health answered {(int)response.StatusCode}.");
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"marconi-server did not answer GET /v2/health within {StartTimeout.TotalSeconds:0} s.");
    }
}
