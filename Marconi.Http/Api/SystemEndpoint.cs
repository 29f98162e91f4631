using System.Buffers;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
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

    /// <summary>
    /// GET /v2/health (and /v1.1/health): 200 with Zaqar's fields, whether storage answers (a read of a probe queue) and
    /// <c>operation_status</c>, and a <c>storage</c> object with what the store reports about itself.
    /// </summary>
    public async ValueTask HealthAsync(ApiContext context)
    {
        var reachable = await StorageReachableAsync(context).ConfigureAwait(false);
        var health = await _engine.GetStoreHealthAsync(context.CancellationToken).ConfigureAwait(false);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteBoolean("storage_reachable", reachable && health?.Status != StoreStatus.Unavailable);
        writer.WriteStartObject("operation_status");
        writer.WriteEndObject();
        if (health is not null)
        {
            WriteStorage(writer, health);
        }

        writer.WriteEndObject();
    }

    private static void WriteStorage(Utf8JsonWriter writer, StoreHealth health)
    {
        writer.WriteStartObject("storage");
        writer.WriteString("backend", health.Backend);
        writer.WriteString("status", health.Status == StoreStatus.Ok ? "ok" : "unavailable");
        if (health.Detail is not null)
        {
            writer.WriteString("detail", health.Detail);
        }

        WriteOptional(writer, "log_size_bytes", health.LogSizeBytes);
        WriteOptional(writer, "disk_bytes", health.DiskBytes);
        WriteOptional(writer, "free_disk_bytes", health.FreeDiskBytes);
        if (health.CommitLatency is { } latency)
        {
            writer.WriteStartObject("commit_latency");
            writer.WriteNumber("samples", latency.Samples);
            writer.WriteNumber("last_seconds", latency.LastSeconds);
            writer.WriteNumber("avg_seconds", latency.AverageSeconds);
            writer.WriteNumber("p99_seconds", latency.P99Seconds);
            writer.WriteNumber("max_seconds", latency.MaxSeconds);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("commit_latency");
        }

        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
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
