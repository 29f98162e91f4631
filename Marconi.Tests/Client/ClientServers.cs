using System.Net.Sockets;
using Marconi.Client;
using Marconi.Tests.Support;

namespace Marconi.Tests.Client;

/// <summary>A server the client contract runs against: it hands out clients, each on a fresh project.</summary>
public interface IClientServer
{
    /// <summary>The server's root URL.</summary>
    Uri BaseAddress { get; }

    /// <summary>A client on a project no other test uses.</summary>
    MarconiClient NewClient(string? project = null, SignedUrl? signedUrl = null) =>
        new(new MarconiClientOptions { BaseAddress = BaseAddress, ProjectId = project ?? "client-" + Guid.NewGuid().ToString("N"), SignedUrl = signedUrl });
}

/// <summary>Our server binary on a free loopback port with a signed-URL key, for the whole test class.</summary>
public sealed class OurServerFixture : IClientServer, IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("marconi-client-").FullName;
    private RunningServer? _server;

    /// <inheritdoc />
    public Uri BaseAddress => new(_server!.Url);

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
    /// <inheritdoc />
    public Uri BaseAddress { get; } = new("http://127.0.0.1:8889/");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var client = ((IClientServer)this).NewClient();
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
    public Task DisposeAsync() => Task.CompletedTask;
}
