using Marconi.Core;
using Marconi.Http.Api;
using Marconi.Http.Hosting;

namespace Marconi.Server;

/// <summary>Builds the request handler the server runs: the Zaqar v2 API over the engine.</summary>
internal static class ApiWiring
{
    // Room for the JSON framing around the largest document (the HTTP server's default has the same margin).
    private const int BodyFramingAllowance = 8_192;

    /// <summary>The API with the configured signed-URL key; its body limits follow the engine's limits.</summary>
    public static IHttpHandler CreateHandler(QueueEngine engine, ServerSettings settings) =>
        new ZaqarApiHandler(engine, new ZaqarApiOptions { SignedUrlSecretKey = settings.SignedUrlKey });

    /// <summary>
    /// The HTTP server's body cap: large enough for the largest document the API accepts, so a raised limit is answered
    /// by the API (with Zaqar's 413 message) rather than cut off by the transport. The defaults give the server's default.
    /// </summary>
    public static long MaxRequestBodySize(QueueLimits limits) =>
        (long)Math.Max(limits.MaxMessagesPostSize, limits.MaxQueueMetadataSize) + BodyFramingAllowance;
}
