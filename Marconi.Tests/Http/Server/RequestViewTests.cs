using System.Buffers;
using System.Text;
using Marconi.Http.Api;
using Marconi.Http.Api.Routing;
using Marconi.Http.Hosting;
using Marconi.Http.Server;

namespace Marconi.Tests.Http.Server;

/// <summary>The span-based request view: what the parser keeps, how a reused head forgets, and the span router.</summary>
public sealed class RequestViewTests
{
    [Fact]
    public void Parsed_head_exposes_path_query_and_fields_as_spans_and_strings()
    {
        var parser = new HttpHeadParser(new HttpServerOptions());
        var head = Parse(parser, "GET /v2/queues/caf%C3%A9/messages?limit=10&echo=true HTTP/1.1\r\nHost: h\r\nX-Project-ID:  demo \r\nAccept: application/json\r\n\r\n");

        var request = head.Request;
        Assert.Same("GET", request.Method);
        Assert.Equal("/v2/queues/café/messages", request.PathSpan.ToString());
        Assert.Equal("limit=10&echo=true", request.QuerySpan.ToString());
        Assert.True(request.TryGetHeader("x-project-id", out var project));
        Assert.Equal("demo", project.ToString());
        Assert.Equal(3, request.HeaderCount);
        Assert.Equal("Accept", request.Headers[2].Key);
        Assert.Null(request.GetHeader("Content-Type"));
    }

    [Fact]
    public void A_reused_head_forgets_the_previous_request()
    {
        var parser = new HttpHeadParser(new HttpServerOptions());
        Parse(parser, "POST /v2/queues/a/messages?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nClient-ID: 1\r\n\r\n");
        parser.Reset();
        var head = Parse(parser, "DELETE /v2/queues/b HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.Equal("DELETE", head.Method);
        Assert.Equal("/v2/queues/b", head.Path);
        Assert.Equal(string.Empty, head.Request.Query);
        Assert.Equal(1, head.Request.HeaderCount);
        Assert.False(head.Request.TryGetHeader("Client-ID", out _));
        Assert.Null(head.ContentLength);
    }

    [Fact]
    public void Transfer_codings_across_fields_are_one_list()
    {
        var parser = new HttpHeadParser(new HttpServerOptions());
        var error = Assert.Throws<BadHttpRequestException>(() => Parse(parser, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"));
        Assert.Equal(501, error.StatusCode);

        parser.Reset();
        Assert.True(Parse(parser, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding:\r\n\r\n").IsChunked);
    }

    [Fact]
    public void Names_from_the_cache_are_shared_strings()
    {
        var names = new NameCache();
        var first = names.Get("orders".AsSpan());
        var second = names.Get("xorders".AsSpan(1));
        Assert.Same(first, second);
        Assert.Equal("orders", second);
    }

    [Theory]
    [InlineData("/v2/queues/q/subscriptions/s/confirm/", true)]
    [InlineData("/v2/queues/q/subscriptions/s/confirm/x", false)]
    [InlineData("/v2/queues/q/subscriptions/s/confirm/x/y/z", false)]
    [InlineData("/v2/queues//messages", true)]
    public void Routing_spans_handles_depth_and_empty_segments(string path, bool matches) =>
        Assert.Equal(matches, RouteTable.TryMatch(path, new NameCache(), out _));

    [Fact]
    public void Public_constructor_builds_the_same_view()
    {
        var request = new HttpRequest("GET", "/v2/queues/q", "a=b", [new("Client-ID", "x")], default);
        Assert.Equal("/v2/queues/q", request.PathSpan.ToString());
        Assert.Equal("a=b", request.QuerySpan.ToString());
        Assert.True(request.TryGetHeader("client-id", out var value));
        Assert.Equal("x", value.ToString());
    }

    private static RequestHead Parse(HttpHeadParser parser, string head)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(head)));
        return parser.Parse(ref reader) ?? throw new InvalidOperationException("The head did not parse.");
    }
}
