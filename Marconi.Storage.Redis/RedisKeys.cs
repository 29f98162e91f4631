namespace Marconi.Storage.Redis;

/// <summary>
/// The key layout. Every key of one project (its queues, its catalog, its id sequence) carries the hash tag
/// <c>{project}</c>, percent-encoded (<see cref="Uri.EscapeDataString(string)"/> escapes '/', '{', '}', ':' and '%'),
/// so every script, a dead-letter move between two queues included, touches keys of one Redis Cluster hash slot, and no
/// two projects share a tag whatever a free-text project id contains.
/// </summary>
internal readonly struct RedisKeys(string prefix)
{
    /// <summary>The prefix of one queue's keys (the scripts' KEYS[1]): <c>PREFIX:{project}:queue:</c>.</summary>
    public string Queue(string project, string queue) =>
        $"{prefix}:{{{Uri.EscapeDataString(project)}}}:{Uri.EscapeDataString(queue)}:";

    /// <summary>The project's catalog: a sorted set of queue names, all with score 0, so it orders by name.</summary>
    public string Catalog(string project) => $"{prefix}:{{{Uri.EscapeDataString(project)}}}#catalog";

    /// <summary>The counter the project's message, claim and subscription sequences come from (never deleted).</summary>
    public string Sequence(string project) => $"{prefix}:{{{Uri.EscapeDataString(project)}}}#sequence";

    /// <summary>The random tag of this deployment's ids (see <see cref="Marconi.Core.ResourceIds"/>).</summary>
    public string StoreTag => $"{prefix}:store-tag";
}
