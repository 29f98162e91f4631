using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Marconi.Benchmarks.Budgets;

/// <summary>
/// Counts the runtime's allocation samples (GCAllocationTick: one event per ~100 KB allocated, naming the type that
/// crossed the threshold) by type, so a budget over its ceiling can be traced to what allocates.
/// </summary>
/// <remarks>The listener's own event objects are allocated too; they show as EventSource types and are not the scenario's.</remarks>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    /// <summary>Starts counting samples.</summary>
    public void Start() => _recording = true;

    /// <summary>Stops counting and returns the sampled bytes per type, largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Stop()
    {
        _recording = false;
        return [.. _bytesByType.OrderByDescending(pair => pair.Value)];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationTickEventId || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0)
        {
            return;
        }

        var type = eventData.Payload[typeIndex] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
