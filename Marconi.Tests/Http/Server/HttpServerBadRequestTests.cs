using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Marconi.Http.Server;

namespace Marconi.Tests.Http.Server;

public sealed class HttpServerBadRequestTests
{
    public static TheoryData<string, string> Malformed => new()
    {
        { "bare LF", "GET / HTTP/1.1\nHost: a\n\n" },
        { "bare LF in headers", "GET / HTTP/1.1\r\nHost: a\n\r\n" },
        { "bare CR", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n" },
        { "space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n" },
        { "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n" },
        { "bad header name", "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n" },
        { "header without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n" },
        { "bad method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "bad version", "GET / HTTX/1.1\r\nHost: a\r\n\r\n" },
        { "absolute-form", "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "asterisk-form", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "encoded slash", "GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "encoded NUL", "GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "bad escape", "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "dot-dot", "GET /a/../b HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "encoded dot-dot", "GET /a/%2e%2E/b HTTP/1.1\r\nHost: a\r\n\r\n" },
        { "missing host", "GET / HTTP/1.1\r\n\r\n" },
        { "two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" },
        { "content-length not digits", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n" },
        { "content-length negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n" },
        { "content-length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx" },
        { "content-length conflict", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx" },
        { "content-length and chunked", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
        { "final coding not chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n" },
        { "chunk size too long", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n000000001\r\nx\r\n0\r\n\r\n" },
        { "chunk size not hex", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" },
        { "chunk data without CRLF", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxyz\r\n0\r\n\r\n" },
        { "gzip body that is not gzip", "POST / HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_request_answers_400_json_and_closes(string reason, string request)
    {
        _ = reason;
        await AssertRefusedAsync(request, 400);
    }

    [Fact]
    public async Task Unsupported_transfer_coding_before_chunked_answers_501()
    {
        await AssertRefusedAsync("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501);
    }

    [Fact]
    public async Task Oversize_request_line_answers_431()
    {
        await AssertRefusedAsync($"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: a\r\n\r\n", 431);
    }

    [Fact]
    public async Task Oversize_request_line_without_its_end_answers_431()
    {
        await AssertRefusedAsync($"GET /{new string('a', 9000)}", 431);
    }

    [Fact]
    public async Task Oversize_header_block_answers_431()
    {
        var headers = string.Concat(Enumerable.Range(0, 40).Select(i => $"X-H{i}: {new string('v', 1000)}\r\n"));
        await AssertRefusedAsync($"GET / HTTP/1.1\r\nHost: a\r\n{headers}\r\n", 431);
    }

    [Fact]
    public async Task Too_many_header_fields_answers_431()
    {
        var headers = string.Concat(Enumerable.Range(0, 101).Select(i => $"X-H{i}: v\r\n"));
        await AssertRefusedAsync($"GET / HTTP/1.1\r\nHost: a\r\n{headers}\r\n", 431);
    }

    [Fact]
    public async Task Oversize_content_length_answers_413()
    {
        await AssertRefusedAsync("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n", 413, o => o with { MaxRequestBodySize = 100 });
    }

    [Fact]
    public async Task Oversize_chunked_body_answers_413()
    {
        var chunk = new string('x', 80);
        await AssertRefusedAsync(
            $"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n{chunk}\r\n50\r\n{chunk}\r\n0\r\n\r\n",
            413,
            o => o with { MaxRequestBodySize = 100 });
    }

    [Fact]
    public async Task Gzip_request_body_is_inflated()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();
        var compressed = Gzip(Encoding.UTF8.GetBytes("{\"messages\":[]}"));

        await client.SendAsync(Encoding.ASCII.GetBytes($"POST /m HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Length: {compressed.Length}\r\n\r\n").Concat(compressed).ToArray());

        Assert.Equal("POST /m?|{\"messages\":[]}", (await client.ReadResponseAsync()).Text);
    }

    [Fact]
    public async Task Gzip_bomb_answers_413_without_inflating_it_all()
    {
        // 64 MiB of zeros compress to about 64 KiB: under the wire limit, far over the inflated limit.
        var bomb = Gzip(new byte[64 * 1024 * 1024]);
        Assert.True(bomb.Length < 262_144);
        var head = Encoding.ASCII.GetBytes($"POST /m HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\nContent-Length: {bomb.Length}\r\n\r\n");

        await AssertRefusedAsync(head.Concat(bomb).ToArray(), 413);
    }

    private static Task AssertRefusedAsync(string request, int status, Func<HttpServerOptions, HttpServerOptions>? configure = null) =>
        AssertRefusedAsync(Encoding.Latin1.GetBytes(request), status, configure);

    private static async Task AssertRefusedAsync(byte[] request, int status, Func<HttpServerOptions, HttpServerOptions>? configure = null)
    {
        await using var fixture = await ServerFixture.StartAsync(configure);
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync(request);
        var response = await client.ReadResponseAsync();

        Assert.Equal(status, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal("application/json; charset=UTF-8", response.Header("Content-Type"));
        using var json = JsonDocument.Parse(response.Body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("description").GetString()));
        Assert.True(await client.IsClosedAsync());
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
