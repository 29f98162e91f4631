using System.Text;
using Marconi.Load.Http;

namespace Marconi.Tests.Load;

/// <summary>The load tool's HTTP/1.x response parser: framing, split reads, keep-alive rules, and bad input.</summary>
public sealed class HttpResponseParserTests
{
    private const string Created = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"ok\":true}\n";

    private static HttpResponseParser Parser(bool keepBody = true)
    {
        var parser = new HttpResponseParser();
        parser.Reset(keepBody);
        return parser;
    }

    private static string Body(HttpResponseParser parser) => Encoding.ASCII.GetString(parser.Body.Span);

    [Fact]
    public void A_content_length_response_arriving_byte_by_byte_is_read_whole()
    {
        var parser = Parser();
        var (complete, rest) = ResponseFeed.Feed(parser, ResponseFeed.ByteByByte(Created));
        Assert.True(complete);
        Assert.Equal("", rest);
        Assert.Equal(201, parser.Status);
        Assert.Equal("{\"ok\":true}\n", Body(parser));
        Assert.True(parser.KeepAlive);
        Assert.False(parser.IsHttp10);
    }

    [Fact]
    public void Every_split_point_gives_the_same_response()
    {
        for (var at = 1; at < Created.Length; at++)
        {
            var parser = Parser();
            var (complete, _) = ResponseFeed.Feed(parser, ResponseFeed.SplitAt(Created, at));
            Assert.True(complete, $"split at {at}");
            Assert.Equal("{\"ok\":true}\n", Body(parser));
        }
    }

    [Fact]
    public void Bytes_after_the_response_are_left_for_the_next_one()
    {
        var parser = Parser();
        var (complete, rest) = ResponseFeed.Feed(parser, [Created + "HTTP/1.1 204 No Content\r\n\r\n"]);
        Assert.True(complete);
        Assert.Equal("HTTP/1.1 204 No Content\r\n\r\n", rest);

        parser.Reset(keepBody: true);
        (complete, rest) = ResponseFeed.Feed(parser, [rest]);
        Assert.True(complete);
        Assert.Equal((204, "", ""), (parser.Status, Body(parser), rest));
    }

    [Fact]
    public void A_chunked_body_with_extensions_and_trailers_is_decoded_at_every_split_point()
    {
        const string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5;name=value\r\nhello\r\n1\r\n \r\nB\r\nchunked end\r\n0\r\nX-Trailer: yes\r\n\r\n";
        for (var at = 1; at < response.Length; at++)
        {
            var parser = Parser();
            var (complete, rest) = ResponseFeed.Feed(parser, ResponseFeed.SplitAt(response, at));
            Assert.True(complete, $"split at {at}");
            Assert.Equal("hello chunked end", Body(parser));
            Assert.Equal("", rest);
            Assert.True(parser.KeepAlive);
        }
    }

    [Fact]
    public void Chunked_bytes_arriving_one_at_a_time_are_decoded()
    {
        var parser = Parser();
        var (complete, _) = ResponseFeed.Feed(parser, ResponseFeed.ByteByByte("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
        Assert.True(complete);
        Assert.Equal("abc", Body(parser));
    }

    [Fact]
    public void An_http10_body_without_length_runs_to_the_end_of_the_connection()
    {
        const string response = "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2 CPython/3.13\r\nContent-Type: application/json\r\n\r\n{\"messages\": []}";
        var parser = Parser();
        var (complete, _) = ResponseFeed.Feed(parser, [response]);
        Assert.False(complete);

        parser.Reset(keepBody: true);
        (complete, _) = ResponseFeed.Feed(parser, ResponseFeed.SplitAt(response, 40), closeAtEnd: true);
        Assert.True(complete);
        Assert.Equal("{\"messages\": []}", Body(parser));
        Assert.True(parser.IsHttp10);
        Assert.False(parser.KeepAlive);
    }

    [Theory]
    [InlineData("HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.0 201 Created\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    [InlineData("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", true)]
    [InlineData("HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: keep-alive, close\r\n\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false)]
    public void Keep_alive_follows_the_version_and_the_connection_field(string response, bool keepAlive)
    {
        var parser = Parser();
        var (complete, _) = ResponseFeed.Feed(parser, [response], closeAtEnd: true);
        Assert.True(complete);
        Assert.Equal(keepAlive, parser.KeepAlive);
    }

    [Fact]
    public void Interim_responses_are_skipped_and_bodiless_statuses_complete_at_once()
    {
        var parser = Parser();
        var (complete, _) = ResponseFeed.Feed(parser, ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"]);
        Assert.True(complete);
        Assert.Equal(204, parser.Status);
        Assert.Equal("", Body(parser));
    }

    [Fact]
    public void The_answer_to_a_head_request_has_no_body_whatever_its_content_length()
    {
        var parser = new HttpResponseParser();
        parser.Reset(keepBody: true, bodiless: true);
        var (complete, left) = ResponseFeed.Feed(parser, ["HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"]);
        Assert.True(complete);
        Assert.Equal("HTTP/1.1 204 No Content\r\n\r\n", left);
        Assert.True(parser.KeepAlive);
    }

    [Fact]
    public void A_body_not_asked_for_is_skipped()
    {
        var parser = Parser(keepBody: false);
        var (complete, _) = ResponseFeed.Feed(parser, ResponseFeed.SplitAt(Created, 70));
        Assert.True(complete);
        Assert.Equal(201, parser.Status);
        Assert.True(parser.Body.IsEmpty);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n", "status line")]
    [InlineData("HTTP/2 200\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n", "status line")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "header field")]
    [InlineData("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", "header field")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", "CRLF")]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101")]
    public void Bad_input_is_an_invalid_response_saying_what_is_wrong(string response, string what)
    {
        var parser = Parser();
        var error = Assert.Throws<LoadHttpException>(() => ResponseFeed.Feed(parser, [response]));
        Assert.Equal(LoadHttpException.InvalidResponse, error.Cause);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_without_end_is_refused_past_its_bound()
    {
        var parser = Parser();
        var endless = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat("X-Filler: " + new string('a', 1000) + "\r\n", 70));
        var error = Assert.Throws<LoadHttpException>(() => ResponseFeed.Feed(parser, [endless]));
        Assert.Equal(LoadHttpException.InvalidResponse, error.Cause);
    }

    [Theory]
    [InlineData("", "before any byte")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", "head")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "7 bytes")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "chunked")]
    public void A_connection_closed_mid_response_is_response_ended(string response, string where)
    {
        var parser = Parser();
        var error = Assert.Throws<LoadHttpException>(() => ResponseFeed.Feed(parser, [response], closeAtEnd: true));
        Assert.Equal(LoadHttpException.ResponseEnded, error.Cause);
        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Equal(response.Length > 0, parser.Started);
    }
}
