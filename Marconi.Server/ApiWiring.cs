using Marconi.Core;
using Marconi.Http.Api;
using Marconi.Http.Auth;
using Marconi.Http.Hosting;
using Marconi.Http.Telemetry;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>Builds the request handler the server runs: the Zaqar v2 API over the engine.</summary>
internal static class ApiWiring
{
    // Room for the JSON framing around the largest document (the HTTP server's default has the same margin).
    private const int BodyFramingAllowance = 8_192;

    /// <summary>
    /// The API with the configured signed-URL key and authenticator; its body limits follow the engine's limits. The
    /// admin endpoints are on with <see cref="ServerSettings.AdminMode"/>, the pool and flavor ones only with a catalog.
    /// </summary>
    public static IHttpHandler CreateHandler(QueueEngine engine, ServerSettings settings, IAuthenticator? authenticator = null, MetricsCollector? metrics = null, IPoolAdministration? pools = null, ILogger? accessLog = null) =>
        new ZaqarApiHandler(engine, new ZaqarApiOptions
        {
            SignedUrlSecretKey = settings.SignedUrlKey,
            Authenticator = authenticator,
            Metrics = metrics,
            AdminMode = settings.AdminMode,
            Pools = pools,
            AccessLog = accessLog,
        });

    /// <summary>The configured strategy: <see cref="NoAuthAuthenticator"/> or a <see cref="KeystoneAuthenticator"/> (dispose it).</summary>
    public static IAuthenticator CreateAuthenticator(AuthSettings auth, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (auth.Strategy != AuthSettings.Keystone)
        {
            return NoAuthAuthenticator.Instance;
        }

        var options = new KeystoneOptions
        {
            Url = auth.KeystoneUrl!,
            ServiceToken = auth.ServiceToken,
            ServiceUser = auth.ServiceUser,
            ServicePassword = auth.ServicePassword,
            ServiceProject = auth.ServiceProject,
            ServiceDomain = auth.ServiceDomain,
            CacheDuration = TimeSpan.FromSeconds(auth.CacheSeconds),
            CacheMaxEntries = auth.CacheMaxEntries,
            Timeout = TimeSpan.FromSeconds(auth.TimeoutSeconds),
        };
        return new KeystoneAuthenticator(options, time, loggerFactory.CreateLogger<KeystoneAuthenticator>());
    }

    /// <summary>
    /// The HTTP server's body cap: large enough for the largest document the API accepts, so a raised limit is answered
    /// by the API (with Zaqar's 413 message) rather than cut off by the transport. The defaults give the server's default.
    /// </summary>
    public static long MaxRequestBodySize(QueueLimits limits) =>
        (long)Math.Max(limits.MaxMessagesPostSize, limits.MaxQueueMetadataSize) + BodyFramingAllowance;
}
