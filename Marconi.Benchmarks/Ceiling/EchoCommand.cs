using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Marconi.Benchmarks.Ceiling;

/// <summary>
/// <c>echo --listen HOST:PORT [--seconds N]</c>: runs <see cref="EchoServer"/> on a loopback address for N seconds
/// (default 60), then prints the requests it answered; drive it with <c>wrk -s Marconi.Benchmarks/Wrk/echo.lua</c>.
/// <c>echo --smoke</c> instead checks, in about a second, that it frames pipelined, split, HTTP/1.0 and bad requests.
/// </summary>
public static class EchoCommand
{
    private const string Usage = "usage: echo --listen HOST:PORT [--seconds N] | echo --smoke";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        IPEndPoint? endpoint = null;
        var seconds = 60.0;
        var smoke = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--listen" when i + 1 < args.Length:
                    if (!IPEndPoint.TryParse(args[++i], out endpoint) || !IPAddress.IsLoopback(endpoint.Address))
                    {
                        await Console.Error.WriteLineAsync($"echo: --listen {args[i]}: give a loopback HOST:PORT (127.0.0.1:19100, [::1]:19100)");
                        return 2;
                    }

                    break;
                case "--seconds" when i + 1 < args.Length:
                    if (!double.TryParse(args[++i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds) ||
                        seconds is <= 0 or > 3600)
                    {
                        await Console.Error.WriteLineAsync("echo: --seconds: from 0 to 3600");
                        return 2;
                    }

                    break;
                case "--smoke":
                    smoke = true;
                    break;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }

        if (smoke)
        {
            return await EchoSmoke.RunAsync();
        }

        if (endpoint is null)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        await using var server = new EchoServer(endpoint);
        server.Start();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"echo listening on http://{server.Endpoint} for {seconds} s"));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        // SIGTERM (kill) also ends the run early with the summary, as Ctrl-C does.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, cancel.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var requests = server.Requests;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"echo: {requests} requests on {server.Connections} connections; server CPU {cpu:F2} s ({1e6 * cpu / Math.Max(requests, 1):F1} µs per request)"));
        return 0;
    }
}
