using Marconi.Core.Model;

namespace Marconi.Http.Api;

/// <summary>Limits and choices of the Zaqar API handler; nulls take the engine's limits.</summary>
public sealed record ZaqarApiOptions
{
    /// <summary>Largest request body of a message post, in bytes (the whole JSON document); null takes the engine's post size limit (262144).</summary>
    public int? MaxMessagesPostSize { get; init; }

    /// <summary>Largest request body of a queue create or metadata patch, in bytes; null takes the engine's metadata limit (65536).</summary>
    public int? MaxQueueMetadataSize { get; init; }

    /// <summary>When message posts are acknowledged relative to reaching disk; durable by default.</summary>
    public WriteDurability PostDurability { get; init; } = WriteDurability.Durable;
}
