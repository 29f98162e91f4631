using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Marconi.Tests.Support;

/// <summary>
/// A real redis-server process on a free loopback port, its files in a temp directory. Fails (never skips) when
/// redis-server is not installed.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private static readonly Lazy<RedisServerProcess> SharedServer = new(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly TempDirectory _directory;
    private Process _process;

    private RedisServerProcess(TempDirectory directory, int port, bool appendFsyncAlways)
    {
        _directory = directory;
        Port = port;
        AppendFsyncAlways = appendFsyncAlways;
        _process = Launch();
    }

    /// <summary>One server for the whole test run (stopped when the process exits).</summary>
    public static RedisServerProcess Shared => SharedServer.Value;

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Whether the AOF is fsynced on every write (else every second).</summary>
    public bool AppendFsyncAlways { get; }

    /// <summary>host:port for StackExchange.Redis.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a server with the AOF on (<c>appendonly yes</c>) in a new temp directory.</summary>
    public static RedisServerProcess Start(bool appendFsyncAlways) =>
        new(new TempDirectory("redis"), GarnetTestServer.FreePort(), appendFsyncAlways);

    private static RedisServerProcess StartShared()
    {
        var server = Start(appendFsyncAlways: false);
        // A child process outlives its parent unless stopped: stop it when the test run ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    /// <summary>Kills the server (SIGKILL: no final fsync, no shutdown save) and starts it again on the same files.</summary>
    public void KillAndRestart()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = Launch();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
            _directory.Dispose();
        }
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory.Path,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory.Path,
            "--appendonly", "yes", "--appendfsync", AppendFsyncAlways ? "always" : "everysec", "--save", string.Empty,
            "--protected-mode", "yes", "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server", exception);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        WaitUntilListening(process);
        return process;
    }

    private void WaitUntilListening(Process process)
    {
        // Bounded: redis-server loads its AOF and listens within milliseconds; 200 x 50 ms is generous.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} before listening on {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on {Port} within 10 s.");
    }
}
