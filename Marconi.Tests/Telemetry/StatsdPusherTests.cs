using System.Net;
using System.Net.Sockets;
using System.Text;
using Marconi.Core.Model;
using Marconi.Http.Telemetry;
using Marconi.Tests.Support;

namespace Marconi.Tests.Telemetry;

/// <summary>The statsd push against a real UDP socket on loopback.</summary>
public sealed class StatsdPusherTests
{
    [Fact]
    public async Task Pushes_counter_increases_since_the_last_push_with_tags()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var metrics = new MetricsCollector();
        await using var harness = await EngineHarness.CreateAsync();
        var project = "statsd-" + Guid.NewGuid().ToString("N")[..12];
        // An hour between pushes: only the explicit Push calls below send anything this test waits for.
        await using var pusher = new StatsdPusher(metrics, (IPEndPoint)listener.Client.LocalEndPoint!, TimeSpan.FromHours(1));

        await harness.Engine.PostMessagesAsync(project, "q", [new NewMessage("1"u8.ToArray()), new NewMessage("2"u8.ToArray()), new NewMessage("3"u8.ToArray())], Guid.NewGuid());
        pusher.Push();
        Assert.Contains($"marconi.messages.posted:3|c|#project:{project},queue:q", await ReceiveUntilAsync(listener, project), StringComparison.Ordinal);

        await harness.Engine.PostMessagesAsync(project, "q", [new NewMessage("4"u8.ToArray()), new NewMessage("5"u8.ToArray())], Guid.NewGuid());
        pusher.Push();
        Assert.Contains($"marconi.messages.posted:2|c|#project:{project},queue:q", await ReceiveUntilAsync(listener, project), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delimiters_in_tag_values_are_replaced()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var metrics = new MetricsCollector();
        await using var harness = await EngineHarness.CreateAsync();
        var unique = Guid.NewGuid().ToString("N")[..12];
        await using var pusher = new StatsdPusher(metrics, (IPEndPoint)listener.Client.LocalEndPoint!, TimeSpan.FromHours(1));

        await harness.Engine.PostMessagesAsync($"a|b,c#{unique}", "q", [new NewMessage("1"u8.ToArray())], Guid.NewGuid());
        pusher.Push();
        Assert.Contains($"marconi.messages.posted:1|c|#project:a_b_c_{unique},queue:q", await ReceiveUntilAsync(listener, unique), StringComparison.Ordinal);
    }

    /// <summary>Reads datagrams until one mentions <paramref name="marker"/> (other tests' series share the meters).</summary>
    internal static async Task<string> ReceiveUntilAsync(UdpClient listener, string marker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new StringBuilder();
        try
        {
            while (true)
            {
                var datagram = await listener.ReceiveAsync(timeout.Token);
                var text = Encoding.UTF8.GetString(datagram.Buffer);
                seen.Append(text).Append('\n');
                if (text.Contains(marker, StringComparison.Ordinal))
                {
                    return text;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no datagram mentioned '{marker}' within 30 s; received:\n{seen}");
        }
    }
}
