using Marconi.Load;
using Marconi.Tests.Load;

namespace Marconi.Tests.Scale;

/// <summary><c>marconi-load</c> with several <c>--url</c>s: every role's workers spread over two server processes on one Redis.</summary>
public sealed class LoadAcrossNodesTests
{
    [Fact]
    public async Task Workers_spread_over_the_urls_and_what_one_node_posts_the_other_deletes()
    {
        await using var deployment = await ScaleDeployment.StartAsync(nodes: 2);
        var options = LoadOptions.Parse(
            ["--url", $"{deployment.Nodes[0].Url},{deployment.Nodes[1].Url}", "--producers", "2", "--consumers", "2", "--observers", "2",
             "--message-size", "100", "--warmup", "0", "--duration", "60", "--max-requests", "600", "--timeout", "20"]);
        await using var run = new LoadRun(options);
        var (workers, totals) = await CheckedLoadRun.RunAsync(run, expectedIssued: 600);

        // Each role has one worker per server.
        foreach (var role in Enum.GetValues<Role>())
        {
            Assert.Equal([0, 1], workers.Where(w => w.Role == role).Select(w => w.Node).Order());
        }

        foreach (var node in new[] { 0, 1 })
        {
            Assert.True(workers.Where(w => w.Node == node).Sum(w => w.Stats.TotalRequests.Sum()) > 0, $"no request went to node {node}");
        }

        var posted = workers.Sum(w => w.Stats.Posted);
        var deleted = workers.Sum(w => w.Stats.Deleted);
        Assert.True(posted > 0 && deleted > 0, $"posted {posted}, deleted {deleted}");
        Assert.Equal(posted - deleted, totals.Values.Single());
    }
}
