using Marconi.Tests.Support;

namespace Marconi.Tests.Scale;

/// <summary>
/// One real redis-server (AOF, fsync on every write) and several <c>marconi-server</c> processes on it
/// (<c>--store redis://...</c>), each on its own ephemeral loopback port, with a data directory they do not use.
/// </summary>
internal sealed class ScaleDeployment : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("scale");

    private ScaleDeployment(RedisServerProcess redis) => Redis = redis;

    public RedisServerProcess Redis { get; }

    public List<RunningServer> Nodes { get; } = [];

    /// <summary>The <c>--store</c> value of every node.</summary>
    public string StoreUri => $"redis://{Redis.Endpoint},prefix=scale,connectTimeout=5000";

    public static async Task<ScaleDeployment> StartAsync(int nodes)
    {
        var deployment = new ScaleDeployment(RedisServerProcess.Start(appendFsyncAlways: true));
        try
        {
            var starting = new Task<RunningServer>[nodes];
            for (var i = 0; i < nodes; i++)
            {
                var dataDirectory = Directory.CreateDirectory(Path.Combine(deployment._directory.Path, $"node{i}")).FullName;
                starting[i] = RunningServer.StartAsync(dataDirectory, ["--store", deployment.StoreUri]);
            }

            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                // Whatever started is stopped with the deployment, also when another node failed to start.
                deployment.Nodes.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        Redis.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
