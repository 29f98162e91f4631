using Marconi.Core.Storage;
using Marconi.Storage.Redis;

namespace Marconi.Tests.Support;

/// <summary>
/// A Redis-protocol server the contract suite runs against. Each harness opens its store under a key prefix of its
/// own, so tests share one server without seeing each other's keys.
/// </summary>
public sealed class StoreBackend
{
    private readonly Func<string> _endpoint;

    private StoreBackend(string name, Func<string> endpoint)
    {
        Name = name;
        _endpoint = endpoint;
    }

    /// <summary>An in-process Garnet server (always available: it is a NuGet package).</summary>
    public static StoreBackend Garnet { get; } = new("garnet", () => GarnetTestServer.Endpoint);

    /// <summary>A redis-server process (Debian's redis-server package must be installed).</summary>
    public static StoreBackend RedisServer { get; } = new("redis-server", () => RedisServerProcess.Shared.Endpoint);

    /// <summary>A cluster-mode redis-server holding every slot: scripts whose keys span slots fail there (CROSSSLOT).</summary>
    public static StoreBackend RedisCluster { get; } = new("redis-cluster", () => RedisServerProcess.SharedCluster.Endpoint);

    /// <summary>A real three-shard Redis Cluster (three redis-server processes).</summary>
    public static StoreBackend RedisThreeShardCluster { get; } = new("redis-cluster-3", () => RedisClusterProcesses.Shared.Endpoints);

    /// <summary>What the backend is, for messages.</summary>
    public string Name { get; }

    /// <summary>Opens a store under <paramref name="keyPrefix"/> with <paramref name="clock"/>.</summary>
    public async Task<IQueueStore> OpenAsync(string keyPrefix, TimeProvider clock) =>
        await RedisQueueStore.ConnectAsync(_endpoint(), new RedisQueueStoreOptions { TimeProvider = clock, KeyPrefix = keyPrefix });

    public override string ToString() => Name;
}
