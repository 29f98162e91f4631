using System.Net;
using Marconi.Http.Hosting;
using Marconi.Http.Server;

namespace Marconi.Tests.Http.Server;

/// <summary>Starts an <see cref="HttpServer"/> on 127.0.0.1, port 0, for one test.</summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private ServerFixture(HttpServer server, TestHandler handler)
    {
        Server = server;
        Handler = handler;
    }

    public HttpServer Server { get; }

    public TestHandler Handler { get; }

    public IPEndPoint Endpoint => Server.BoundEndpoints[0];

    public static async Task<ServerFixture> StartAsync(Func<HttpServerOptions, HttpServerOptions>? configure = null, IHttpHandler? handler = null)
    {
        var options = new HttpServerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] };
        options = configure?.Invoke(options) ?? options;
        var testHandler = new TestHandler();
        var server = new HttpServer(handler ?? testHandler, options);
        await server.StartAsync(CancellationToken.None);
        return new ServerFixture(server, testHandler);
    }

    public Task<RawHttpClient> ConnectAsync() => RawHttpClient.ConnectAsync(Endpoint);

    public async ValueTask DisposeAsync() => await Server.StopAsync(TimeSpan.FromSeconds(2));
}
