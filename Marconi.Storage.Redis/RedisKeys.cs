namespace Marconi.Storage.Redis;

/// <summary>
/// The key layout. Every key of one queue shares the hash tag <c>{project/queue}</c>, each part percent-encoded
/// (<see cref="Uri.EscapeDataString(string)"/> escapes '/', '{', '}', ':' and '%'), so no two (project, queue) pairs
/// share a tag whatever a free-text project contains.
/// </summary>
internal readonly struct RedisKeys(string prefix)
{
    /// <summary>The prefix of one queue's keys (the scripts' KEYS[1]).</summary>
    public string Queue(string project, string queue) =>
        $"{prefix}:{{{Uri.EscapeDataString(project)}/{Uri.EscapeDataString(queue)}}}:";

    /// <summary>The project's catalog: a sorted set of queue names, all with score 0, so it orders by name.</summary>
    public string Catalog(string project) => $"{prefix}:catalog:{{{Uri.EscapeDataString(project)}}}";

    /// <summary>The counter every id's sequence comes from.</summary>
    public string Sequence => $"{prefix}:sequence";

    /// <summary>The random tag of this deployment's ids (see <see cref="Marconi.Core.ResourceIds"/>).</summary>
    public string StoreTag => $"{prefix}:store-tag";
}
