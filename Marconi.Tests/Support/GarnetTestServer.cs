using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Marconi.Tests.Support;

/// <summary>One in-process Garnet server (with Lua) on a free loopback port, started on first use for the whole run.</summary>
public static class GarnetTestServer
{
    private static readonly Lazy<string> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>host:port of the server, starting it if needed.</summary>
    public static string Endpoint => Started.Value;

    private static string Start()
    {
        var port = FreePort();
        // The server lives as long as the test process; the OS reclaims it at exit.
        var server = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua", "--memory", "256m", "--index", "16m"]);
        server.Start();
        return $"127.0.0.1:{port}";
    }

    /// <summary>A loopback port that was free a moment ago (Garnet and redis-server need a number, not 0).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
