using System.Net.Sockets;
using Marconi.Client;
using Marconi.Tests.Support;

namespace Marconi.Tests.Client;

/// <summary>A server the client contract runs against: it hands out clients, each on a fresh project.</summary>
public interface IClientServer
{
    /// <summary>The server's root URL.</summary>
    Uri BaseAddress { get; }

    /// <summary>A client on a project no other test uses, unless <paramref name="project"/> names one.</summary>
    MarconiClient NewClient(string? project = null, SignedUrl? signedUrl = null, IReadOnlyDictionary<string, string>? headers = null);

    /// <summary>A client made with exactly <paramref name="options"/> (on the connection settings this server needs).</summary>
    MarconiClient ClientFor(MarconiClientOptions options);

    /// <summary>The options of a client of this server.</summary>
    static MarconiClientOptions Options(Uri baseAddress, string? project, SignedUrl? signedUrl, IReadOnlyDictionary<string, string>? headers) => new()
    {
        BaseAddress = baseAddress,
        ProjectId = project ?? "client-" + Guid.NewGuid().ToString("N"),
        SignedUrl = signedUrl,
        Headers = headers ?? new Dictionary<string, string>(),
    };
}

/// <summary>Our server binary on a free loopback port with a signed-URL key, for the whole test class.</summary>
public sealed class OurServerFixture : IClientServer, IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("marconi-client-").FullName;
    private RunningServer? _server;

    /// <inheritdoc />
    public Uri BaseAddress => new(_server!.Url);

    /// <inheritdoc />
    public MarconiClient NewClient(string? project = null, SignedUrl? signedUrl = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(IClientServer.Options(BaseAddress, project, signedUrl, headers));

    /// <inheritdoc />
    public MarconiClient ClientFor(MarconiClientOptions options) => new(options);

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(_dataDirectory, environment: new Dictionary<string, string> { ["MARCONI_SIGNED_URL_KEY"] = "client-test-key" });

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _server?.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The reference OpenStack Zaqar 15 that interop/zaqar-reference/run.sh starts on 127.0.0.1:8889. When nothing answers
/// there, every test of the class fails saying so: the proof that the client speaks the standard API is never skipped.
/// </summary>
public sealed class ReferenceZaqarFixture : IClientServer, IAsyncLifetime
{
    // uWSGI's http-socket closes every connection after its answer without saying "Connection: close", so a pooled
    // connection can be reset under the next request: connections are not reused here.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <inheritdoc />
    public Uri BaseAddress { get; } = new("http://127.0.0.1:8889/");

    /// <inheritdoc />
    public MarconiClient NewClient(string? project = null, SignedUrl? signedUrl = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(IClientServer.Options(BaseAddress, project, signedUrl, headers), _http);

    /// <inheritdoc />
    public MarconiClient ClientFor(MarconiClientOptions options) => new(options, _http);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var client = NewClient();
        try
        {
            if (await client.PingAsync())
            {
                return;
            }
        }
        catch (HttpRequestException failure) when (failure.InnerException is SocketException)
        {
        }

        throw new InvalidOperationException("The reference Zaqar does not answer on http://127.0.0.1:8889: run interop/zaqar-reference/run.sh (as root) first.");
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }
}
