using System.Globalization;

namespace Marconi.Tests.Support;

/// <summary>
/// A real three-shard Redis Cluster on loopback: three cluster-mode redis-server processes joined by
/// <c>redis-cli --cluster create</c> (no replicas), the 16384 slots split between them.
/// </summary>
public sealed class RedisClusterProcesses : IDisposable
{
    private static readonly Lazy<RedisClusterProcesses> SharedCluster = new(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);

    private RedisClusterProcesses(IReadOnlyList<RedisServerProcess> nodes) => Nodes = nodes;

    /// <summary>One cluster for the whole test run (stopped when the process exits).</summary>
    public static RedisClusterProcesses Shared => SharedCluster.Value;

    /// <summary>The three shards.</summary>
    public IReadOnlyList<RedisServerProcess> Nodes { get; }

    /// <summary>Every node's host:port, for StackExchange.Redis (which also discovers them from any one).</summary>
    public string Endpoints => string.Join(',', Nodes.Select(n => n.Endpoint));

    public static RedisClusterProcesses Start()
    {
        var nodes = new List<RedisServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(RedisServerProcess.StartClusterNode());
            }

            var output = nodes[0].Cli(["--cluster", "create", .. nodes.Select(n => n.Endpoint), "--cluster-replicas", "0", "--cluster-yes"]);
            if (!output.Contains("All 16384 slots covered", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed: {output}");
            }

            // Bounded: every node sees the cluster ok within seconds of the create; 200 x 100 ms.
            for (var attempt = 0; !nodes.All(n => n.Cli("cluster", "info").Contains("cluster_state:ok", StringComparison.Ordinal)); attempt++)
            {
                if (attempt == 200)
                {
                    throw new InvalidOperationException("the three-node Redis Cluster did not reach cluster_state:ok within 20 s.");
                }

                Thread.Sleep(100);
            }

            return new RedisClusterProcesses(nodes);
        }
        catch
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            throw;
        }
    }

    /// <summary>How many keys each shard holds.</summary>
    public IReadOnlyList<long> KeyCounts() =>
        [.. Nodes.Select(n => long.Parse(n.Cli("dbsize").Trim(), CultureInfo.InvariantCulture))];

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }
    }

    private static RedisClusterProcesses StartShared()
    {
        var cluster = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
    }
}
