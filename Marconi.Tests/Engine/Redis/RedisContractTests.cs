using Marconi.Tests.Support;

namespace Marconi.Tests.Engine.Redis;

/// <summary>The claim contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetClaimTests : ClaimTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The claim contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerClaimTests : ClaimTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The concurrency contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetConcurrencyTests : ConcurrencyTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The concurrency contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerConcurrencyTests : ConcurrencyTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The deadletter contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetDeadLetterTests : DeadLetterTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The deadletter contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerDeadLetterTests : DeadLetterTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The message contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetMessageTests : MessageTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The message contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerMessageTests : MessageTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The metadata contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetMetadataTests : MetadataTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The metadata contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerMetadataTests : MetadataTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The queue contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetQueueTests : QueueTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The queue contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerQueueTests : QueueTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The subscription contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetSubscriptionTests : SubscriptionTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The subscription contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerSubscriptionTests : SubscriptionTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}

/// <summary>The tenant isolation contract on the Redis store, on an in-process Garnet server.</summary>
public sealed class GarnetTenantIsolationTests : TenantIsolationTests
{
    protected override StoreBackend Backend => StoreBackend.Garnet;
}

/// <summary>The tenant isolation contract on the Redis store, on a real redis-server process.</summary>
public sealed class RedisServerTenantIsolationTests : TenantIsolationTests
{
    protected override StoreBackend Backend => StoreBackend.RedisServer;
}
