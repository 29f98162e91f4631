namespace Marconi.Core.Model;

/// <summary>A queue's metadata: the JSON object as stored, and the reserved settings parsed from it.</summary>
/// <param name="Json">The metadata JSON object, UTF-8, as the client gave it (or as a patch left it).</param>
/// <param name="Settings">The reserved keys, parsed and validated.</param>
public sealed record QueueMetadata(ReadOnlyMemory<byte> Json, QueueSettings Settings)
{
    /// <summary>The metadata of a queue created without any: <c>{}</c>.</summary>
    public static QueueMetadata Empty { get; } = new("{}"u8.ToArray(), QueueSettings.None);
}
