using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Marconi.Core;
using Marconi.Http.Server;
using Marconi.Http.Telemetry;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>Opens the store, serves HTTP until SIGINT/SIGTERM, then drains requests and closes the store (its final commit).</summary>
internal static class ServerHost
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(ServerSettings settings)
    {
        // Logs go to stderr so stdout carries only the "listening" lines scripts wait for.
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

        X509Certificate2? certificate;
        try
        {
            certificate = LoadCertificate(settings);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"marconi-server: cannot load the TLS certificate: {ex.Message}");
            return 2;
        }

        using (certificate)
        {
            var (store, exitCode) = await StoreSelection.OpenAsync(settings, loggerFactory);
            if (store is null)
            {
                return exitCode;
            }

            await using (store)
            {
                var engine = new QueueEngine(store, settings.Limits, loggerFactory.CreateLogger<QueueEngine>());
                var authenticator = ApiWiring.CreateAuthenticator(settings.Auth, engine.TimeProvider, loggerFactory);
                using var disposeAuthenticator = authenticator as IDisposable;
                using var metrics = settings.Metrics.Enabled || settings.Metrics.Statsd is not null ? new MetricsCollector() : null;
                await using var statsd = settings.Metrics.Statsd is { } statsdTarget
                    ? new StatsdPusher(metrics!, statsdTarget, TimeSpan.FromSeconds(settings.Metrics.StatsdIntervalSeconds))
                    : null;
                var options = new HttpServerOptions
                {
                    Endpoints = settings.Listen,
                    ServerCertificate = certificate,
                    MaxRequestBodySize = ApiWiring.MaxRequestBodySize(engine.Limits),
                };
                await using var server = new HttpServer(ApiWiring.CreateHandler(engine, settings, authenticator, settings.Metrics.Enabled ? metrics : null), options, loggerFactory.CreateLogger<HttpServer>());

                var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

                try
                {
                    await server.StartAsync(CancellationToken.None);
                }
                catch (SocketException ex)
                {
                    await Console.Error.WriteLineAsync($"marconi-server: cannot listen: {ex.Message}");
                    return 1;
                }

                WarnAboutNoAuth(settings, server.BoundEndpoints, loggerFactory.CreateLogger("Marconi.Server"));
                var scheme = certificate is null ? "http" : "https";
                foreach (var endpoint in server.BoundEndpoints)
                {
                    Console.WriteLine($"Marconi listening on {scheme}://{endpoint}");
                }

                await stop.Task;
                await server.StopAsync(DrainTimeout);

                void Stop(PosixSignalContext context)
                {
                    // Keep the process alive: shutdown is ours to finish (drain, then the store's final commit).
                    context.Cancel = true;
                    stop.TrySetResult();
                }
            }
        }

        return 0;
    }

    /// <summary>noauth trusts any X-Project-ID: fine on loopback, a warning anywhere else.</summary>
    private static void WarnAboutNoAuth(ServerSettings settings, IReadOnlyList<IPEndPoint> endpoints, ILogger logger)
    {
        if (settings.Auth.Strategy != AuthSettings.NoAuth)
        {
            return;
        }

        foreach (var endpoint in endpoints)
        {
            if (!IPAddress.IsLoopback(endpoint.Address))
            {
                ServerLog.NoAuthExposed(logger, endpoint);
            }
        }
    }

    private static X509Certificate2? LoadCertificate(ServerSettings settings)
    {
        if (settings.TlsCert is null || settings.TlsKey is null)
        {
            return null;
        }

        using var pem = X509Certificate2.CreateFromPemFile(settings.TlsCert, settings.TlsKey);

        // A PEM-loaded key is ephemeral; round-tripping through PKCS#12 gives SslStream a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
