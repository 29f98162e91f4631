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
    private static readonly Lazy<RedisServerProcess> SharedServer = new(() => StartShared(cluster: false), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<RedisServerProcess> SharedClusterServer = new(() => StartShared(cluster: true), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly TempDirectory _directory;
    private Process _process;

    private readonly bool _ownAllSlots;

    private RedisServerProcess(TempDirectory directory, int port, bool appendFsyncAlways, bool cluster, bool ownAllSlots = true)
    {
        _directory = directory;
        Port = port;
        AppendFsyncAlways = appendFsyncAlways;
        Cluster = cluster;
        _ownAllSlots = ownAllSlots;
        _process = Launch();
    }

    /// <summary>A cluster-mode server with no slots yet, to be joined with others by <c>redis-cli --cluster create</c>.</summary>
    public static RedisServerProcess StartClusterNode() =>
        new(new TempDirectory("redis-node"), GarnetTestServer.FreePort(), appendFsyncAlways: false, cluster: true, ownAllSlots: false);

    /// <summary>One server for the whole test run (stopped when the process exits).</summary>
    public static RedisServerProcess Shared => SharedServer.Value;

    /// <summary>
    /// One cluster-mode server for the whole test run: a Redis Cluster of one node holding all 16384 slots. Redis
    /// refuses a script whose keys span two slots (CROSSSLOT) in cluster mode even when one node holds both, so the
    /// contract suite on it checks that every operation stays in one slot.
    /// </summary>
    public static RedisServerProcess SharedCluster => SharedClusterServer.Value;

    /// <summary>Whether it runs in cluster mode (<c>cluster-enabled yes</c>, every slot assigned to it).</summary>
    public bool Cluster { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Whether the AOF is fsynced on every write (else every second).</summary>
    public bool AppendFsyncAlways { get; }

    /// <summary>host:port for StackExchange.Redis.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a server with the AOF on (<c>appendonly yes</c>) in a new temp directory.</summary>
    public static RedisServerProcess Start(bool appendFsyncAlways) =>
        new(new TempDirectory("redis"), GarnetTestServer.FreePort(), appendFsyncAlways, cluster: false);

    private static RedisServerProcess StartShared(bool cluster)
    {
        var server = new RedisServerProcess(new TempDirectory(cluster ? "redis-cluster" : "redis"), GarnetTestServer.FreePort(), appendFsyncAlways: false, cluster);
        // A child process outlives its parent unless stopped: stop it when the test run ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    /// <summary>Kills the server (SIGKILL: no final fsync, no shutdown save) and starts it again on the same files.</summary>
    public void KillAndRestart()
    {
        Kill();
        StartAgain();
    }

    /// <summary>Kills the server (SIGKILL); <see cref="StartAgain"/> starts it on the same port and files.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Starts the killed server again on the same port and files.</summary>
    public void StartAgain()
    {
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

        if (Cluster)
        {
            // Without an announced address a lone node lists itself as ":PORT" in CLUSTER NODES, and a client that
            // follows the topology then waits out its connect timeout on every connection (seconds per test).
            foreach (var argument in new[] { "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-announce-ip", "127.0.0.1" })
            {
                start.ArgumentList.Add(argument);
            }
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
        if (Cluster && _ownAllSlots)
        {
            AssignAllSlots();
        }

        return process;
    }

    /// <summary>Gives the node every slot (kept in nodes.conf across restarts) and waits for <c>cluster_state:ok</c>.</summary>
    private void AssignAllSlots()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        if (!RedisCli(port, "cluster", "info").Contains("cluster_slots_assigned:16384", StringComparison.Ordinal))
        {
            RedisCli(port, "cluster", "addslotsrange", "0", "16383");
        }

        // Bounded: the state turns ok within a second of the slots being assigned; 100 x 100 ms.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (RedisCli(port, "cluster", "info").Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"the cluster-mode redis-server on {Port} did not reach cluster_state:ok within 10 s.");
    }

    /// <summary>Runs redis-cli against this server (bounded at 10 s) and returns its output.</summary>
    public string Cli(params string[] arguments) => RedisCli(Port.ToString(CultureInfo.InvariantCulture), arguments);

    private static string RedisCli(string port, params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", port, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} did not finish within 10 s.");
        }

        return output;
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
