using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Marconi.Core;
using Marconi.Core.Storage;
using Marconi.Http.Server;
using Marconi.Http.Telemetry;
using Marconi.Pooling;
using Marconi.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>Opens the store, serves HTTP until SIGINT/SIGTERM, then drains requests and closes the store (its final commit).</summary>
internal static class ServerHost
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(ServerSettings settings)
    {
        // Log lines go to stdout with the "listening" lines scripts wait for: each event is one whole line (line breaks
        // inside are escaped), written under Console.Out's lock, so a reader matching the listening line sees it intact.
        LogWriter logWriter;
        try
        {
            logWriter = new LogWriter(settings.Logging.Format, Console.Out, settings.Logging.File, settings.Logging.Syslog);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
        {
            await Console.Error.WriteLineAsync($"marconi-server: 'logging.file' / 'logging.syslog': cannot open the log sink: {ex.Message}");
            return 2;
        }

        await using var disposeLogWriter = logWriter;
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Trace)
            .AddProvider(new MarconiLoggerProvider(logWriter, settings.Logging.Level)));
        var serverLogger = loggerFactory.CreateLogger("Marconi.Server");
        var accessLog = settings.Logging.AccessLog ? loggerFactory.CreateLogger(MarconiLoggerProvider.AccessLogCategory) : null;

        // Listening before the store opens, so what recovery counts (messages that expired while it was closed) is seen.
        using var metrics = settings.Metrics.Enabled || settings.Metrics.Statsd is not null ? new MetricsCollector() : null;

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
                PooledQueueStore? pooled;
                try
                {
                    pooled = OpenPooling(settings, store, loggerFactory);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"marconi-server: cannot open the pool catalog in '{settings.DataDir}': {ex.Message}");
                    return 1;
                }

                await using var disposePools = pooled;
                var engine = new QueueEngine((IQueueStore?)pooled ?? store, settings.Limits, loggerFactory.CreateLogger<QueueEngine>());
                var authenticator = ApiWiring.CreateAuthenticator(settings.Auth, engine.TimeProvider, loggerFactory);
                using var disposeAuthenticator = authenticator as IDisposable;
                await using var statsd = settings.Metrics.Statsd is { } statsdTarget
                    ? new StatsdPusher(metrics!, statsdTarget, TimeSpan.FromSeconds(settings.Metrics.StatsdIntervalSeconds))
                    : null;
                var options = new HttpServerOptions
                {
                    Endpoints = settings.Listen,
                    ServerCertificate = certificate,
                    MaxRequestBodySize = ApiWiring.MaxRequestBodySize(engine.Limits),
                };
                var pools = pooled is null ? null : new PoolAdministration(pooled);
                await using var server = new HttpServer(ApiWiring.CreateHandler(engine, settings, authenticator, settings.Metrics.Enabled ? metrics : null, pools, accessLog), options, loggerFactory.CreateLogger<HttpServer>());

                var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

                // The log rotation signal (logrotate's postrotate), as daemons take it; it no longer ends the process.
                using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
                {
                    context.Cancel = true;
                    logWriter.ReopenFile();
                });

                try
                {
                    await server.StartAsync(CancellationToken.None);
                }
                catch (SocketException ex)
                {
                    await Console.Error.WriteLineAsync($"marconi-server: cannot listen: {ex.Message}");
                    return 1;
                }

                WarnAboutNoAuth(settings, server.BoundEndpoints, serverLogger);
                var scheme = certificate is null ? "http" : "https";
                foreach (var endpoint in server.BoundEndpoints)
                {
                    Console.WriteLine($"Marconi listening on {scheme}://{endpoint}");
                }

                await stop.Task;
                ServerLog.Stopping(serverLogger, DrainTimeout.TotalSeconds);
                await server.StopAsync(DrainTimeout);

                void Stop(PosixSignalContext context)
                {
                    // Keep the process alive: shutdown is ours to finish (drain, then the store's final commit).
                    context.Cancel = true;
                    stop.TrySetResult();
                }
            }
        }

        ServerLog.Stopped(serverLogger);
        return 0;
    }

    /// <summary>
    /// With pooling, the engine runs over a <see cref="PooledQueueStore"/>: the server's own store holds the queues
    /// without a pool, the catalog lives in the data directory, pool URIs open through <see cref="StoreFactories"/>.
    /// </summary>
    private static PooledQueueStore? OpenPooling(ServerSettings settings, IQueueStore store, ILoggerFactory loggerFactory)
    {
        if (!settings.Pooling)
        {
            return null;
        }

        var resolver = StoreSelection.CreateResolver(loggerFactory, settings.DataDir);
        return new PooledQueueStore(store, PoolCatalog.Open(settings.DataDir), resolver, leaveDefaultStoreOpen: true);
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
