namespace Marconi.Core.Model;

/// <summary>When a write call returns relative to the change reaching disk.</summary>
public enum WriteDurability
{
    /// <summary>Return only after the change is committed: it survives a process kill or power loss. The default.</summary>
    Durable,

    /// <summary>
    /// Return once the change is appended in memory; the store commits it within its relaxed commit interval
    /// (a few milliseconds). A crash in that window loses it. For callers that trade durability for latency.
    /// </summary>
    Relaxed,
}
