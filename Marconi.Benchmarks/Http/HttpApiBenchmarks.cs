using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Marconi.Benchmarks.Engine;
using Marconi.Http.Api;
using Marconi.Http.Hosting;
using Marconi.Http.Server;

namespace Marconi.Benchmarks.Http;

/// <summary>
/// The Zaqar API handler and the response framing without sockets: a request object in, framed response bytes out,
/// over a real engine on the FASTER store (posts are durable).
/// </summary>
[MemoryDiagnoser]
public class HttpApiBenchmarks
{
    private static readonly KeyValuePair<string, string>[] Headers =
    [
        new("Client-ID", "3381af92-2b9e-11e3-b191-28cfe91478b9"),
        new("X-Project-ID", EngineFixture.Project),
        new("Content-Type", "application/json"),
    ];

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private EngineFixture _fixture = null!;
    private ZaqarApiHandler _handler = null!;
    private HttpRequest _list = null!;
    private HttpRequest _post = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _fixture = await EngineFixture.OpenAsync("http-api");
        _handler = new ZaqarApiHandler(_fixture.Engine);
        await _fixture.FillAsync("page", 20);
        _list = new HttpRequest("GET", "/v2/queues/page/messages", "limit=10&echo=true", Headers, default);
        var body = Encoding.UTF8.GetBytes("{\"messages\":[{\"body\":{\"event\":\"order.created\",\"order\":123456},\"ttl\":3600}]}");
        _post = new HttpRequest("POST", "/v2/queues/post/messages", string.Empty, Headers, body);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _fixture.DisposeAsync();

    [Benchmark]
    public async Task<int> ListPage10() => await HandleAsync(_list);

    [Benchmark]
    public async Task<int> PostOneDurable() => await HandleAsync(_post);

    private async Task<int> HandleAsync(HttpRequest request)
    {
        var response = new HttpResponse();
        await _handler.HandleAsync(request, response, CancellationToken.None);
        _output.ResetWrittenCount();
        ResponseWriter.Write(_output, response, request: null, close: false);
        return _output.WrittenCount;
    }
}
