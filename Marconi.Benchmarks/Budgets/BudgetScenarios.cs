using System.Net;
using System.Text;
using Marconi.Benchmarks.Figures;
using Marconi.Benchmarks.Support;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Http.Api;
using Marconi.Http.Server;
using Marconi.Http.Telemetry;
using Marconi.Storage.Faster;

namespace Marconi.Benchmarks.Budgets;

/// <summary>
/// The hot paths whose allocations are budgeted: one engine and one HTTP server on a FASTER store in a temp
/// directory, and one operation delegate per scenario. Every operation is durable, as a client's would be.
/// </summary>
internal sealed class BudgetScenarios : IAsyncDisposable
{
    private const string Project = "budget";
    private const int ClaimSupply = 20_000;
    private const int Concurrency = 64;

    // The size of the engine's record for one SmallBody message (header, ids, times, lengths and the body).
    private static readonly byte[] RawEntry = new byte[110];
    private static readonly byte[] SmallBody = "{\"event\":\"order.created\",\"order\":123456,\"customer\":\"c-0042\"}"u8.ToArray();

    private readonly TempDirectory _directory;
    private readonly FasterQueueStore _store;
    private readonly QueueEngine _engine;
    private readonly HttpServer _server;
    private readonly LoopbackHttpClient _client;
    private readonly MetricsCollector _metrics;
    private readonly TempDirectory _rawDirectory = new("budgets-raw");
    private readonly RawFasterLogBaseline _raw;
    private readonly ValueTask[] _concurrent = new ValueTask[Concurrency];
    private readonly Guid _clientId = Guid.NewGuid();
    private readonly NewMessage[] _oneMessage = [new NewMessage(SmallBody, Ttl: 3600)];
    private readonly MessageListOptions _page = new() { Limit = 10, Echo = true };
    private readonly byte[] _httpPost;
    private readonly byte[] _httpList;
    private readonly byte[] _httpClaim;
    private readonly byte[] _httpDelete;
    private readonly int _deleteIdOffset;
    private readonly int _deleteClaimOffset;

    private BudgetScenarios(TempDirectory directory, FasterQueueStore store, QueueEngine engine, HttpServer server, LoopbackHttpClient client, MetricsCollector metrics)
    {
        _metrics = metrics;
        _raw = new RawFasterLogBaseline(_rawDirectory.Path);
        _directory = directory;
        _store = store;
        _engine = engine;
        _server = server;
        _client = client;
        var headers = $"Host: 127.0.0.1\r\nClient-ID: {_clientId}\r\nX-Project-ID: {Project}\r\n";
        var post = Encoding.UTF8.GetString(SmallBody);
        var postBody = $"{{\"messages\":[{{\"body\":{post},\"ttl\":3600}}]}}";
        _httpPost = Latin1($"POST /v2/queues/http-post/messages HTTP/1.1\r\n{headers}Content-Type: application/json\r\nContent-Length: {postBody.Length}\r\n\r\n{postBody}");
        _httpList = Latin1($"GET /v2/queues/page/messages?limit=10&echo=true HTTP/1.1\r\n{headers}\r\n");
        const string ClaimBody = "{\"ttl\":300,\"grace\":60}";
        _httpClaim = Latin1($"POST /v2/queues/http-claim/claims?limit=1 HTTP/1.1\r\n{headers}Content-Type: application/json\r\nContent-Length: {ClaimBody.Length}\r\n\r\n{ClaimBody}");
        var id = new string('0', 24);
        var delete = $"DELETE /v2/queues/http-claim/messages/{id}?claim_id={id} HTTP/1.1\r\n{headers}\r\n";
        _httpDelete = Latin1(delete);
        _deleteIdOffset = delete.IndexOf(id, StringComparison.Ordinal);
        _deleteClaimOffset = delete.IndexOf(id, _deleteIdOffset + 24, StringComparison.Ordinal);
    }

    /// <summary>
    /// The scenarios by name, each one operation (a claim scenario is the claim and the delete of its message; an
    /// <c>.x64</c> scenario is 64 concurrent posts, and its figure is per post; it is shown, not gated, because how many
    /// posts share one commit, and so FASTER's per-commit objects, depends on timing). The <c>raw.*</c> rows are FASTER's own
    /// floor (an entry of the engine's record size appended to a bare FasterLog and committed the same way), so what the
    /// engine adds over the log reads off one run.
    /// </summary>
    public IReadOnlyList<BudgetScenario> All =>
    [
        new("raw.fasterlog.durable", () => _raw.AppendDurableAsync(RawEntry)),
        new("raw.fasterlog.durable.x64", () => Concurrently(() => _raw.AppendDurableAsync(RawEntry)), Concurrency, Gated: false),
        new("engine.post.durable", EnginePostAsync),
        new("engine.post.durable.x64", () => Concurrently(EnginePostAsync), Concurrency, Gated: false),
        new("engine.post.relaxed", EnginePostRelaxedAsync),
        new("engine.list.page10", EngineListAsync),
        new("engine.claim.delete", EngineClaimDeleteAsync),
        new("http.post.durable", () => SendAsync(_httpPost, 201)),
        new("http.list.page10", () => SendAsync(_httpList, 200)),
        new("http.claim.delete", HttpClaimDeleteAsync),
    ];

    public static async Task<BudgetScenarios> OpenAsync()
    {
        var directory = new TempDirectory("budgets");
        var store = await FasterQueueStore.OpenAsync(directory.Path);
        var engine = new QueueEngine(store);
        // Collected as the server collects by default, so the budgets include what recording metrics costs.
        var metrics = new MetricsCollector();
        var server = new HttpServer(new ZaqarApiHandler(engine, new ZaqarApiOptions { Metrics = metrics }), new HttpServerOptions
        {
            Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)],
            // The client connects before the engine scenarios run, which on a loaded machine can outlast the default.
            KeepAliveTimeout = TimeSpan.FromHours(1),
        });
        await server.StartAsync();
        var client = await LoopbackHttpClient.ConnectAsync(server.BoundEndpoints[0]);
        var scenarios = new BudgetScenarios(directory, store, engine, server, client, metrics);
        await scenarios.FillAsync();
        return scenarios;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _store.DisposeAsync();
        _metrics.Dispose();
        _directory.Dispose();
        _raw.Dispose();
        _rawDirectory.Dispose();
    }

    private async ValueTask Concurrently(Func<ValueTask> operation)
    {
        for (var i = 0; i < _concurrent.Length; i++)
        {
            // Each stored ValueTask is awaited exactly once, below.
#pragma warning disable CA2012
            _concurrent[i] = operation();
#pragma warning restore CA2012
        }

        foreach (var pending in _concurrent)
        {
            await pending;
        }
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private async Task FillAsync()
    {
        var batch = Enumerable.Repeat(new NewMessage(SmallBody, Ttl: 3600), 20).ToArray();
        foreach (var queue in new[] { "page", "claim", "http-claim" })
        {
            for (var posted = 0; posted < (queue == "page" ? 20 : ClaimSupply); posted += batch.Length)
            {
                await _engine.PostMessagesAsync(Project, queue, batch, _clientId, WriteDurability.Relaxed);
            }
        }

        await _engine.PostMessagesAsync(Project, "page", _oneMessage, _clientId);
    }

    private async ValueTask EnginePostAsync() => await _engine.PostMessagesAsync(Project, "post", _oneMessage, _clientId);

    // Without the commit, what is left is the engine's and the store's own cost (FASTER's commit allocates per commit,
    // which one poster at a time pays in full and concurrent posters share).
    private async ValueTask EnginePostRelaxedAsync() => await _engine.PostMessagesAsync(Project, "relaxed", _oneMessage, _clientId, WriteDurability.Relaxed);

    private async ValueTask EngineListAsync() => await _engine.ListMessagesAsync(Project, "page", _clientId, _page);

    private async ValueTask EngineClaimDeleteAsync()
    {
        var claim = await _engine.ClaimMessagesAsync(Project, "claim", new ClaimOptions(Limit: 1)) ?? throw new InvalidOperationException("The claim supply ran out.");
        await _engine.DeleteMessageAsync(Project, "claim", claim.Messages[0].Id, claim.ClaimId);
    }

    private async ValueTask HttpClaimDeleteAsync()
    {
        await SendAsync(_httpClaim, 201);

        // The claimed message's href is ".../messages/{id}?claim_id={claim}": copy both into the prepared DELETE.
        var body = _client.Body.Span;
        var at = body.IndexOf("/messages/"u8) + 10;
        body.Slice(at, 24).CopyTo(_httpDelete.AsSpan(_deleteIdOffset));
        body.Slice(at + 24 + 10, 24).CopyTo(_httpDelete.AsSpan(_deleteClaimOffset));
        await SendAsync(_httpDelete, 204);
    }

    private async ValueTask SendAsync(byte[] request, int expected)
    {
        await _client.SendAsync(request);
        if (_client.Status != expected)
        {
            throw new InvalidOperationException($"Expected {expected}, got {_client.Status}: {Encoding.UTF8.GetString(_client.Body.Span)}");
        }
    }
}
