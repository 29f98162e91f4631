using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Marconi.Http.Api.Routing;
using Marconi.Http.Server;

namespace Marconi.Benchmarks.Http;

/// <summary>The HTTP/1.1 request head parser and the route table on the requests a Zaqar client sends most.</summary>
[MemoryDiagnoser]
public class HttpParsingBenchmarks
{
    private static readonly byte[] PostHead = Encoding.Latin1.GetBytes(
        "POST /v2/queues/orders/messages HTTP/1.1\r\nHost: 127.0.0.1:8888\r\nUser-Agent: python-zaqarclient\r\nAccept: application/json\r\n" +
        "Content-Type: application/json\r\nClient-ID: 3381af92-2b9e-11e3-b191-28cfe91478b9\r\nX-Project-ID: demo\r\nContent-Length: 64\r\n\r\n");

    private static readonly byte[] ListHead = Encoding.Latin1.GetBytes(
        "GET /v2/queues/orders/messages?limit=10&echo=true HTTP/1.1\r\nHost: 127.0.0.1:8888\r\nAccept: application/json\r\n" +
        "Client-ID: 3381af92-2b9e-11e3-b191-28cfe91478b9\r\nX-Project-ID: demo\r\n\r\n");

    private readonly HttpHeadParser _parser = new(new HttpServerOptions());

    [Benchmark]
    public string ParsePostHead() => Parse(PostHead);

    [Benchmark]
    public string ParseListHead() => Parse(ListHead);

    [Benchmark]
    public bool RouteMessageDelete() => RouteTable.TryMatch("/v2/queues/orders/messages/0000000000000042deadbeef", out _);

    [Benchmark]
    public bool RouteClaims() => RouteTable.TryMatch("/v2/queues/orders/claims", out _);

    private string Parse(byte[] head)
    {
        _parser.Reset();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(head));
        return _parser.Parse(ref reader)?.Path ?? throw new InvalidOperationException("The head did not parse.");
    }
}
