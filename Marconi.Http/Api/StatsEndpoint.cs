using System.Globalization;
using System.Text.Json;
using Marconi.Core;

namespace Marconi.Http.Api;

/// <summary>
/// GET /v2/stats: the calling project's totals (queues; free, claimed and total messages over all its queues) and one
/// page of per-queue counts by name (<c>limit</c> 1 to 100, default the page size; <c>marker</c> from the next link).
/// Only the caller's project is ever counted.
/// </summary>
internal sealed class StatsEndpoint
{
    private readonly QueueEngine _engine;

    public StatsEndpoint(QueueEngine engine) => _engine = engine;

    public async ValueTask GetAsync(ApiContext context)
    {
        var marker = context.Query.Get("marker");
        var limit = context.Query.GetInt("limit");
        var stats = await _engine.GetProjectStatsAsync(context.Project, marker, limit, context.CancellationToken).ConfigureAwait(false);

        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartObject("totals");
        writer.WriteNumber("queues", stats.Queues);
        WriteMessages(writer, stats.Free, stats.Claimed);
        writer.WriteEndObject();

        writer.WriteStartArray("queues");
        foreach (var queue in stats.Page)
        {
            writer.WriteStartObject();
            writer.WriteString("name", queue.Name);
            writer.WriteString("href", context.QueuesPath + "/" + queue.Name + "/stats");
            WriteMessages(writer, queue.Free, queue.Claimed);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("links");
        if (stats.NextMarker is { } next)
        {
            var href = "/v2/stats?marker=" + Uri.EscapeDataString(next)
                + (limit is { } l ? "&limit=" + l.ToString(CultureInfo.InvariantCulture) : string.Empty);
            writer.WriteStartObject();
            writer.WriteString("rel", "next");
            writer.WriteString("href", href);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteMessages(Utf8JsonWriter writer, long free, long claimed)
    {
        writer.WriteStartObject("messages");
        writer.WriteNumber("free", free);
        writer.WriteNumber("claimed", claimed);
        writer.WriteNumber("total", free + claimed);
        writer.WriteEndObject();
    }
}
