using System.Text;
using Marconi.Core;
using Marconi.Http.Api;
using Marconi.Http.Auth;
using Marconi.Http.Hosting;
using Marconi.Pooling;
using Marconi.Server;
using Marconi.Storage.Faster;
using Marconi.Tests.Http.Api;

namespace Marconi.Tests.Support;

/// <summary>
/// The server's pooling set-up in-process: a FASTER default store in <c>ROOT/data</c> (with the catalog), a
/// <see cref="PooledQueueStore"/> opening <c>file:///</c> pools through the server's factories (the data directory
/// reserved), the engine over it and the API handler with the server's <see cref="PoolAdministration"/>.
/// <see cref="ReopenAsync"/> closes everything and opens it again on the same directories.
/// </summary>
internal sealed class PoolingHarness : IAsyncDisposable
{
    public const string ClientId = "3381af92-2b9e-11e3-b191-71861300734c";

    private readonly TempDirectory _root = new("pooling");
    private readonly int _seed;
    private PooledQueueStore? _store;

    private PoolingHarness(int seed) => _seed = seed;

    public string Root => _root.Path;

    public string DataDir => Path.Combine(_root.Path, "data");

    public PooledQueueStore Store => _store ?? throw new InvalidOperationException("Not open.");

    public QueueEngine Engine { get; private set; } = null!;

    public static async Task<PoolingHarness> CreateAsync(int seed = 7)
    {
        var harness = new PoolingHarness(seed);
        await harness.OpenAsync();
        return harness;
    }

    /// <summary>The file URI of a pool directory <c>ROOT/name</c>.</summary>
    public string PoolUri(string name) => new Uri(PoolDir(name)).AbsoluteUri;

    public string PoolDir(string name) => Path.Combine(_root.Path, name);

    /// <summary>An API handler over the engine with the given admin mode and authenticator; with <paramref name="pools"/> false, no catalog (pooling off).</summary>
    public ZaqarApiHandler Handler(bool adminMode = true, IAuthenticator? authenticator = null, bool pools = true) =>
        new(Engine, new ZaqarApiOptions { AdminMode = adminMode, Authenticator = authenticator, Pools = pools ? new PoolAdministration(Store) : null });

    /// <summary>Closes the stores and the catalog (so a test can open a pool's directory by itself).</summary>
    public async Task CloseAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    public async Task ReopenAsync()
    {
        await CloseAsync();
        await OpenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _root.Dispose();
    }

    /// <summary>Sends one request with Client-ID and X-Project-ID (unless <paramref name="headers"/> names them) and the extra headers.</summary>
    public static async Task<ApiResponse> SendAsync(ZaqarApiHandler handler, string method, string pathAndQuery, string? body = null, string project = "pool-project", params (string Name, string Value)[] headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (!headers.Any(h => h.Name == "Client-ID"))
        {
            list.Add(new("Client-ID", ClientId));
        }

        if (!headers.Any(h => h.Name == "X-Project-ID"))
        {
            list.Add(new("X-Project-ID", project));
        }

        list.AddRange(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var request = new HttpRequest(
            method,
            question < 0 ? pathAndQuery : pathAndQuery[..question],
            question < 0 ? string.Empty : pathAndQuery[(question + 1)..],
            list,
            body is null ? default : Encoding.UTF8.GetBytes(body));
        var response = new HttpResponse();
        await handler.HandleAsync(request, response, CancellationToken.None);
        return new ApiResponse(response);
    }

    private async Task OpenAsync()
    {
        var defaultStore = await FasterQueueStore.OpenAsync(DataDir);
        var resolver = new StoreUriResolver(StoreFactories.Create(null, DataDir));
        _store = new PooledQueueStore(defaultStore, PoolCatalog.Open(DataDir), resolver, new Random(_seed));
        Engine = new QueueEngine(_store);
    }
}
