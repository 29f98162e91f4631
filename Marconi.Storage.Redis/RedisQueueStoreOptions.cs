namespace Marconi.Storage.Redis;

/// <summary>How a <see cref="RedisQueueStore"/> connects and names its keys.</summary>
public sealed record RedisQueueStoreOptions
{
    /// <summary>The clock of message, claim and subscription lifetimes (every node must agree on it, within seconds).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The first part of every key, so several deployments can share one Redis; keys are
    /// <c>PREFIX:{project/queue}:...</c>.
    /// </summary>
    public string KeyPrefix { get; init; } = "marconi";
}
