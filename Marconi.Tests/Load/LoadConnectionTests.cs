using System.Text;
using Marconi.Load.Http;

namespace Marconi.Tests.Load;

/// <summary>The load tool's connection: reconnecting when the server closes, and its per-request timeout.</summary>
public sealed class LoadConnectionTests
{
    private static readonly byte[] Get = "GET /v2/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray();

    [Fact]
    public async Task An_http10_server_that_closes_every_connection_gets_a_new_one_per_request()
    {
        await using var server = new ScriptedServer(n => ($"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nanswer {n}", true));
        var opened = 0;
        await using var connection = new LoadConnection(server.Url, TimeSpan.FromSeconds(10), () => opened++);
        for (var i = 0; i < 3; i++)
        {
            await connection.SendAsync(Get, keepBody: true);
            Assert.Equal(200, connection.Status);
            Assert.Equal($"answer {i}", Encoding.ASCII.GetString(connection.Body.Span));
            Assert.True(connection.WasHttp10);
            Assert.False(connection.WasKeepAlive);
        }

        Assert.Equal(3, opened);
    }

    [Fact]
    public async Task A_keep_alive_server_serves_every_request_on_one_connection()
    {
        await using var server = new ScriptedServer(_ => ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false));
        var opened = 0;
        await using var connection = new LoadConnection(server.Url, TimeSpan.FromSeconds(10), () => opened++);
        for (var i = 0; i < 5; i++)
        {
            await connection.SendAsync(Get, keepBody: true);
            Assert.Equal("ok", Encoding.ASCII.GetString(connection.Body.Span));
        }

        Assert.Equal((1, 1), (opened, server.Connections));
    }

    [Fact]
    public async Task A_kept_alive_connection_the_server_closed_while_idle_is_replaced_and_the_request_sent_again()
    {
        // The server answers a keep-alive response, then closes the connection without a word (an idle timeout).
        await using var server = new ScriptedServer(n => ($"HTTP/1.1 204 No Content\r\nX-N: {n}\r\n\r\n", true));
        var opened = 0;
        await using var connection = new LoadConnection(server.Url, TimeSpan.FromSeconds(10), () => opened++);
        await connection.SendAsync(Get, keepBody: false);
        await Task.Delay(100);
        await connection.SendAsync(Get, keepBody: false);
        Assert.Equal(204, connection.Status);
        Assert.Equal(2, opened);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_and_the_next_request_reconnects()
    {
        await using var server = new ScriptedServer(n => n == 0 ? ("", false) : ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false));
        var opened = 0;
        await using var connection = new LoadConnection(server.Url, TimeSpan.FromSeconds(0.3), () => opened++);
        var error = await Assert.ThrowsAsync<LoadHttpException>(async () => await connection.SendAsync(Get, keepBody: false));
        Assert.Equal(LoadHttpException.Timeout, error.Cause);

        await connection.SendAsync(Get, keepBody: false);
        Assert.Equal(200, connection.Status);
        Assert.Equal(2, opened);
    }

    [Fact]
    public async Task Garbage_from_the_server_is_an_invalid_response()
    {
        await using var server = new ScriptedServer(_ => ("220 smtp.example.com ESMTP\r\n", false));
        await using var connection = new LoadConnection(server.Url, TimeSpan.FromSeconds(10), () => { });
        var error = await Assert.ThrowsAsync<LoadHttpException>(async () => await connection.SendAsync(Get, keepBody: false));
        Assert.Equal(LoadHttpException.InvalidResponse, error.Cause);
    }
}
