using System.Net.Sockets;
using System.Text;

namespace Marconi.Tests.Http.Server;

public sealed class HttpServerConnectionTests
{
    [Fact]
    public async Task Keep_alive_serves_two_requests_on_one_connection()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
        var first = await client.ReadResponseAsync();
        await client.SendAsync("GET /second HTTP/1.1\r\nHost: a\r\n\r\n");
        var second = await client.ReadResponseAsync();

        Assert.Equal("GET /first?|", first.Text);
        Assert.Null(first.Header("Connection"));
        Assert.Equal("GET /second?|", second.Text);
    }

    [Fact]
    public async Task Connection_close_is_honoured()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Http10_closes_after_the_answer()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /old HTTP/1.0\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal("GET /old?|", response.Text);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Http10_keep_alive_keeps_the_connection()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        Assert.Equal("keep-alive", (await client.ReadResponseAsync()).Header("Connection"));
        await client.SendAsync("GET /b HTTP/1.0\r\n\r\n");
        Assert.Equal("GET /b?|", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Gzip_response_when_accepted_and_large_enough()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /big HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br, gzip;q=0.8\r\n\r\n");
        var zipped = await client.ReadResponseAsync();
        await client.SendAsync("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
        var plain = await client.ReadResponseAsync();
        await client.SendAsync("GET /small HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
        var small = await client.ReadResponseAsync();

        Assert.Equal("gzip", zipped.Header("Content-Encoding"));
        Assert.Equal("Accept-Encoding", zipped.Header("Vary"));
        Assert.True(int.Parse(zipped.Header("Content-Length")!) < 4096);
        Assert.Equal(new string('x', 4096), zipped.Text);
        Assert.Null(plain.Header("Content-Encoding"));
        Assert.Equal(4096, plain.Body.Length);
        Assert.Null(small.Header("Content-Encoding"));
    }

    [Fact]
    public async Task Gzip_refused_with_q_zero_is_not_used()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /big HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip;q=0\r\n\r\n");

        Assert.Null((await client.ReadResponseAsync()).Header("Content-Encoding"));
    }

    [Fact]
    public async Task Slow_headers_are_cut_off()
    {
        await using var fixture = await ServerFixture.StartAsync(o => o with { RequestHeadersTimeout = TimeSpan.FromSeconds(1) });
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n");

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Slow_body_is_cut_off()
    {
        await using var fixture = await ServerFixture.StartAsync(o => o with
        {
            MinRequestBodyDataRate = 1000,
            MinRequestBodyDataRateGracePeriod = TimeSpan.FromMilliseconds(500),
        });
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nonly a few bytes");

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Idle_keep_alive_connection_is_closed()
    {
        await using var fixture = await ServerFixture.StartAsync(o => o with { KeepAliveTimeout = TimeSpan.FromSeconds(1) });
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Connections_over_the_cap_are_refused_while_the_others_work()
    {
        await using var fixture = await ServerFixture.StartAsync(o => o with { MaxConnections = 2 });
        await using var first = await fixture.ConnectAsync();
        await using var second = await fixture.ConnectAsync();

        // Make sure both are accepted (and counted) before the third arrives.
        await first.SendAsync("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await first.ReadResponseAsync()).Status);
        await second.SendAsync("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await second.ReadResponseAsync()).Status);

        await using (var third = await fixture.ConnectAsync())
        {
            var answer = Encoding.ASCII.GetString(await third.ReadToEndAsync());
            Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 503 ", StringComparison.Ordinal), answer);
        }

        await first.SendAsync("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("GET /1?|", (await first.ReadResponseAsync()).Text);
        await second.SendAsync("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("GET /2?|", (await second.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Stop_lets_the_request_in_flight_finish_then_closes()
    {
        var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        await fixture.Handler.SlowStarted.Task.WaitAsync(RawHttpClient.Timeout);

        var stopping = fixture.Server.StopAsync(TimeSpan.FromSeconds(10));
        fixture.Handler.SlowGate.SetResult();
        var response = await client.ReadResponseAsync();
        await stopping.WaitAsync(RawHttpClient.Timeout);

        Assert.Equal("slow done", response.Text);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedAsync());
        await Assert.ThrowsAnyAsync<SocketException>(() => fixture.ConnectAsync());
        await fixture.DisposeAsync();
    }
}
