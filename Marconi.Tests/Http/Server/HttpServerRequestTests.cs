using System.Text;

namespace Marconi.Tests.Http.Server;

public sealed class HttpServerRequestTests
{
    [Fact]
    public async Task Get_reaches_the_handler_with_decoded_path_and_raw_query()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /v2/queues/a%20b?limit=5&x=%2F HTTP/1.1\r\nHost: localhost\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal("OK", response.Reason);
        Assert.Equal("GET /v2/queues/a b?limit=5&x=%2F|", response.Text);
        Assert.NotNull(response.Header("Date"));
        Assert.Equal(response.Body.Length.ToString(), response.Header("Content-Length"));
    }

    [Fact]
    public async Task Pipelined_requests_in_one_write_are_answered_in_order()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync(
            "GET /one HTTP/1.1\r\nHost: a\r\n\r\n" +
            "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
            "GET /three HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal("GET /one?|", (await client.ReadResponseAsync()).Text);
        Assert.Equal("POST /two?|abc", (await client.ReadResponseAsync()).Text);
        Assert.Equal("GET /three?|", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task A_request_sent_one_byte_at_a_time_parses_the_same()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        var request = Encoding.ASCII.GetBytes("PUT /v2/queues/q1?a=b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-Project-Id: p\r\n\r\nhello");
        foreach (var b in request)
        {
            await client.SendAsync([b]);
        }

        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("PUT /v2/queues/q1?a=b|hello", response.Text);
    }

    [Fact]
    public async Task Content_length_body_is_delivered()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("POST /m HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world");

        Assert.Equal("POST /m?|hello world", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Chunked_body_with_extensions_and_trailers_is_joined()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync(
            "POST /m HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5;name=value\r\nhello\r\n" +
            "6\r\n world\r\n" +
            "0\r\nX-Trailer: yes\r\n\r\n" +
            "GET /after HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal("POST /m?|hello world", (await client.ReadResponseAsync()).Text);
        Assert.Equal("GET /after?|", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Expect_100_continue_gets_an_interim_answer_before_the_body_is_sent()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("POST /m HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        var interim = await client.ReadResponseAsync(noBody: true);
        Assert.Equal(100, interim.Status);

        await client.SendAsync("body");
        Assert.Equal("POST /m?|body", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Head_gets_headers_and_content_length_but_no_body()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\n\r\n");
        var head = await client.ReadResponseAsync(noBody: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("HEAD /x?|".Length.ToString(), head.Header("Content-Length"));

        // The next answer starts right where the head ended: no body bytes were sent for HEAD.
        Assert.Equal("GET /y?|", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task No_content_answer_has_no_body()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /status/204 HTTP/1.1\r\nHost: a\r\n\r\nGET /z HTTP/1.1\r\nHost: a\r\n\r\n");
        var noContent = await client.ReadResponseAsync();
        Assert.Equal(204, noContent.Status);
        Assert.Null(noContent.Header("Content-Length"));
        Assert.Equal("GET /z?|", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Handler_exception_answers_500_json_and_keeps_serving()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET /throw HTTP/1.1\r\nHost: a\r\n\r\n");
        var failed = await client.ReadResponseAsync();
        Assert.Equal(500, failed.Status);
        Assert.Equal("application/json; charset=UTF-8", failed.Header("Content-Type"));
        Assert.Contains("\"title\":\"Internal Server Error\"", failed.Text, StringComparison.Ordinal);

        await client.SendAsync("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Oversize_body_with_expect_100_continue_is_refused_without_the_interim_answer()
    {
        await using var fixture = await ServerFixture.StartAsync(o => o with { MaxRequestBodySize = 10 });
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("POST /m HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.Equal(413, response.Status);
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Handler_header_with_CRLF_answers_500_instead_of_splitting_the_response()
    {
        await using var fixture = await ServerFixture.StartAsync(handler: new InjectingHandler());
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal(500, (await client.ReadResponseAsync()).Status);
        Assert.Equal(500, (await client.ReadResponseAsync()).Status);
    }

    private sealed class InjectingHandler : Marconi.Http.Hosting.IHttpHandler
    {
        public ValueTask HandleAsync(Marconi.Http.Hosting.HttpRequest request, Marconi.Http.Hosting.HttpResponse response, CancellationToken cancellationToken)
        {
            response.AddHeader("X-Evil", "a\r\nSet-Cookie: x=y");
            return ValueTask.CompletedTask;
        }
    }
}
