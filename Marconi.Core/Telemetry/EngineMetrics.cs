using System.Diagnostics.Metrics;

namespace Marconi.Core.Telemetry;

/// <summary>
/// The engine's instruments, on the <see cref="MeterName"/> meter: message counts by project and queue. Any
/// <see cref="MeterListener"/> (OpenTelemetry, dotnet-counters, the server's /metrics) can collect them; with no
/// listener an <c>Add</c> costs a flag check.
/// </summary>
public static class EngineMetrics
{
    /// <summary>The name of the engine's meter.</summary>
    public const string MeterName = "Marconi.Core";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Messages accepted by posts (tags: project, queue).</summary>
    public static readonly Counter<long> MessagesPosted =
        Meter.CreateCounter<long>("marconi.messages.posted", "{message}", "Messages accepted by posts.");

    /// <summary>Messages handed out by claims (tags: project, queue).</summary>
    public static readonly Counter<long> MessagesClaimed =
        Meter.CreateCounter<long>("marconi.messages.claimed", "{message}", "Messages handed out by claims.");

    /// <summary>Messages deleted by id, by ids or by pop (tags: project, queue).</summary>
    public static readonly Counter<long> MessagesDeleted =
        Meter.CreateCounter<long>("marconi.messages.deleted", "{message}", "Messages deleted by id, by ids or by pop.");

    internal static void Count(Counter<long> counter, long count, string project, string queue)
    {
        if (count > 0 && counter.Enabled)
        {
            counter.Add(count, new KeyValuePair<string, object?>("project", project), new KeyValuePair<string, object?>("queue", queue));
        }
    }
}
