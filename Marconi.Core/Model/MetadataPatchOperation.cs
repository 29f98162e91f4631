namespace Marconi.Core.Model;

/// <summary>The operations of a metadata patch (Zaqar's JSON-patch subset).</summary>
public enum MetadataPatchOp
{
    /// <summary>Set the key, adding it when absent.</summary>
    Add,

    /// <summary>Set a key that must already exist.</summary>
    Replace,

    /// <summary>Remove a key that must exist.</summary>
    Remove,
}

/// <summary>One step of a metadata patch: <c>{"op": ..., "path": "/metadata/key", "value": ...}</c>.</summary>
/// <param name="Op">What to do.</param>
/// <param name="Key">The metadata key (the path without <c>/metadata/</c>).</param>
/// <param name="Value">The new value as one JSON value (ignored for remove).</param>
public readonly record struct MetadataPatchOperation(MetadataPatchOp Op, string Key, ReadOnlyMemory<byte> Value);
