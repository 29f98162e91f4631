using System.Net;
using System.Net.Sockets;
using Marconi.Tests.Support;

namespace Marconi.Tests.Telemetry;

/// <summary>The server binary's metrics options: /metrics on by default, --metrics off, --statsd pushes over UDP.</summary>
public sealed class MetricsProcessTests
{
    [Fact]
    public async Task Serves_metrics_by_default_and_pushes_to_statsd_when_asked()
    {
        using var data = new TempDirectory("metrics-process");
        using var statsd = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var statsdPort = ((IPEndPoint)statsd.Client.LocalEndPoint!).Port;
        using var server = await RunningServer.StartAsync(data.Path, ["--statsd", $"127.0.0.1:{statsdPort}", "--statsd-interval-seconds", "1"]);

        using var post = new HttpRequestMessage(HttpMethod.Post, server.Url + "/v2/queues/q/messages")
        {
            Content = new StringContent("""{"messages":[{"body":1},{"body":2}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("Client-ID", "3381af92-2b9e-11e3-b191-28cfe91478b9");
        post.Headers.Add("X-Project-ID", "process-metrics");
        Assert.Equal(HttpStatusCode.Created, (await server.Http.SendAsync(post)).StatusCode);

        var text = await server.Http.GetStringAsync(server.Url + "/metrics");
        Assert.Contains("marconi_messages_posted_total{project=\"process-metrics\",queue=\"q\"} 2\n", text, StringComparison.Ordinal);

        var datagram = await StatsdPusherTests.ReceiveUntilAsync(statsd, "process-metrics");
        Assert.Contains("marconi.messages.posted:2|c|#project:process-metrics,queue:q", datagram, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_off_answers_404()
    {
        using var data = new TempDirectory("metrics-off");
        using var server = await RunningServer.StartAsync(data.Path, ["--metrics", "off"]);
        var response = await server.Http.GetAsync(server.Url + "/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
