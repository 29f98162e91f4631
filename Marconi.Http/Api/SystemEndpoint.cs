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
        response.Body.Write(context.Version switch
        {
            ApiVersion.V1 => HomeDocuments.V1,
            ApiVersion.V1_1 => HomeDocuments.V1_1,
            _ => HomeDocuments.V2,
        });
    }

    /// <summary>GET|HEAD /v2/ping: 204.</summary>
    public static void Ping(ApiContext context) => context.Response.StatusCode = 204;

    /// <summary>GET /v2/health: 200 with whether storage answers (a read of a probe queue).</summary>
    public async ValueTask HealthAsync(ApiContext context)
    {
        var reachable = await StorageReachableAsync(context).ConfigureAwait(false);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteBoolean("storage_reachable", reachable);
        writer.WriteStartObject("operation_status");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>GET /v1/health: 204 when storage answers, 503 when not; HEAD /v1/health: 204 without asking storage (as Zaqar).</summary>
    public async ValueTask HealthV1Async(ApiContext context)
    {
        if (context.Request.Method == "GET" && !await StorageReachableAsync(context).ConfigureAwait(false))
        {
            throw new ApiException(503, ErrorTitles.ServiceUnavailable, "Storage is not reachable.");
        }

        context.Response.StatusCode = 204;
    }

    private async ValueTask<bool> StorageReachableAsync(ApiContext context)
    {
        try
        {
            await _engine.QueueExistsAsync(context.Project, ProbeQueue, context.CancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (QueueException error) when (error.Kind == QueueErrorKind.StorageUnavailable)
        {
            return false;
        }
    }
}
