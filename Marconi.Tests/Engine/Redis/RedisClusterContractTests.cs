using Marconi.Tests.Support;

namespace Marconi.Tests.Engine.Redis;

/// <summary>The claim contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeClaimTests : ClaimTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The concurrency contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeConcurrencyTests : ConcurrencyTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The dead letter contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeDeadLetterTests : DeadLetterTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The message contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeMessageTests : MessageTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The metadata contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeMetadataTests : MetadataTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The queue contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeQueueTests : QueueTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The subscription contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeSubscriptionTests : SubscriptionTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The tenant isolation contract on the Redis store, on a cluster-mode redis-server (every script in one slot).</summary>
public sealed class RedisClusterNodeTenantIsolationTests : TenantIsolationTests
{
    protected override StoreBackend Backend => StoreBackend.RedisCluster;
}

/// <summary>The claim contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardClaimTests : ClaimTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The concurrency contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardConcurrencyTests : ConcurrencyTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The dead letter contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardDeadLetterTests : DeadLetterTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The message contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardMessageTests : MessageTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The metadata contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardMetadataTests : MetadataTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The queue contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardQueueTests : QueueTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The subscription contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardSubscriptionTests : SubscriptionTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}

/// <summary>The tenant isolation contract on the Redis store, on a real three-shard Redis Cluster.</summary>
public sealed class RedisThreeShardTenantIsolationTests : TenantIsolationTests
{
    protected override StoreBackend Backend => StoreBackend.RedisThreeShardCluster;
}
