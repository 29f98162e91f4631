using System.Buffers;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Http.Api.Routing;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>The versions list, home documents, ping and health.</summary>
internal sealed class SystemEndpoint
{
    private const string ProbeQueue = "marconi-health-probe";
    private readonly QueueEngine _engine;

    public SystemEndpoint(QueueEngine engine) => _engine = engine;

    /// <summary>GET /: 300 with the versions.</summary>
    public static void Versions(HttpResponse response)
    {
        response.StatusCode = 300;
        response.AddHeader("Content-Type", JsonResponse.ContentType);
        response.Body.Write(HomeDocuments.Versions);
    }

    /// <summary>GET /v2/: 200 with the JSON-home document.</summary>
    public static void Home(ApiContext context)
    {
        var response = context.Response;
        response.AddHeader("Content-Type", HomeDocuments.JsonHome);
        response.AddHeader("Cache-Control", "max-age=86400");
        response.Body.Write(context.Version == ApiVersion.V1_1 ? HomeDocuments.V1_1 : HomeDocuments.V2);
    }

    /// <summary>GET|HEAD /v2/ping: 204.</summary>
    public static void Ping(ApiContext context) => context.Response.StatusCode = 204;

    /// <summary>GET /v2/health: 200 with whether storage answers (a read of a probe queue).</summary>
    public async ValueTask HealthAsync(ApiContext context)
    {
        var reachable = true;
        try
        {
            await _engine.QueueExistsAsync(context.Project, ProbeQueue, context.CancellationToken).ConfigureAwait(false);
        }
        catch (QueueException error) when (error.Kind == QueueErrorKind.StorageUnavailable)
        {
            reachable = false;
        }

        using var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteBoolean("storage_reachable", reachable);
        writer.WriteStartObject("operation_status");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
