using System.Net;
using System.Text.Json;
using Marconi.Http.Api;
using Marconi.Http.Server;
using Marconi.Tests.Http.Server;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Hostile;

/// <summary>
/// The real Zaqar API on a real engine behind a real <see cref="HttpServer"/> on 127.0.0.1 (port 0), with every request
/// that reaches the API recorded, for one test.
/// </summary>
internal sealed class HostileFixture : IAsyncDisposable
{
    public const string Project = "hostile";
    public const string ClientId = "3381af92-2b9e-11e3-b191-71861300734c";

    /// <summary>The queue a smuggled request would create; it must never exist.</summary>
    public const string SmuggledQueue = "smuggled";

    private HostileFixture(EngineHarness harness, RecordingHandler recorder, HttpServer server)
    {
        Harness = harness;
        Recorder = recorder;
        Server = server;
    }

    public EngineHarness Harness { get; }

    public RecordingHandler Recorder { get; }

    public HttpServer Server { get; }

    public IPEndPoint Endpoint => Server.BoundEndpoints[0];

    /// <summary>The standard Zaqar headers of a well-formed request (each line ends with CRLF).</summary>
    public static string StandardHeaders => $"Host: 127.0.0.1\r\nClient-ID: {ClientId}\r\nX-Project-ID: {Project}\r\n";

    /// <summary>A complete, valid request that would create <see cref="SmuggledQueue"/> if the server ever parsed it as a request.</summary>
    public static string Smuggled => $"PUT /v2/queues/{SmuggledQueue} HTTP/1.1\r\n{StandardHeaders}Content-Length: 0\r\n\r\n";

    public static async Task<HostileFixture> StartAsync(Func<HttpServerOptions, HttpServerOptions>? configure = null)
    {
        var harness = await EngineHarness.CreateAsync();
        try
        {
            var recorder = new RecordingHandler(new ZaqarApiHandler(harness.Engine));
            var options = new HttpServerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] };
            options = configure?.Invoke(options) ?? options;
            var server = new HttpServer(recorder, options);
            await server.StartAsync(CancellationToken.None);
            return new HostileFixture(harness, recorder, server);
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    public Task<RawHttpClient> ConnectAsync() => RawHttpClient.ConnectAsync(Endpoint);

    /// <summary>A well-behaved client's round trip on a fresh connection: lists the queues, expects 200 or 204.</summary>
    public async Task AssertStillServingAsync()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync($"GET /v2/queues HTTP/1.1\r\n{StandardHeaders}\r\n");
        var response = await client.ReadResponseAsync();
        Assert.True(response.Status is 200 or 204, $"{response.Status} {response.Text}");
    }

    /// <summary>Proves that nothing smuggled reached the API or the engine, and that the server still serves.</summary>
    public async Task AssertNothingSmuggledAsync()
    {
        await AssertStillServingAsync();
        Assert.DoesNotContain(Recorder.Seen, seen => seen.Contains(SmuggledQueue, StringComparison.Ordinal));
        Assert.False(await Harness.Engine.QueueExistsAsync(Project, SmuggledQueue));
    }

    /// <summary>Sends <paramref name="request"/> on a fresh connection and asserts the documented refusal: the status, a JSON error, <c>Connection: close</c>, then the close.</summary>
    public async Task<RawResponse> AssertRefusedAsync(byte[] request, int status)
    {
        await using var client = await ConnectAsync();
        await client.SendAsync(request);
        var response = await client.ReadResponseAsync();

        Assert.True(status == response.Status, $"expected {status}, got {response.Status} {response.Text}");
        Assert.Equal("close", response.Header("Connection"));
        Assert.Equal("application/json; charset=UTF-8", response.Header("Content-Type"));
        using (var json = JsonDocument.Parse(response.Body))
        {
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("description").GetString()));
        }

        Assert.True(await client.IsClosedAsync());
        return response;
    }

    public Task<RawResponse> AssertRefusedAsync(string request, int status) =>
        AssertRefusedAsync(System.Text.Encoding.Latin1.GetBytes(request), status);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Server.StopAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await Harness.DisposeAsync();
        }
    }
}
