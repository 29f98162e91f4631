using System.Net;
using Marconi.Http.Api;
using Marconi.Http.Server;
using Marconi.Load;
using Marconi.Tests.Support;

namespace Marconi.Tests.Load;

/// <summary>
/// The load tool end to end against our own server hosted in-process on a real loopback socket: producers, consumers
/// and observers run a short bounded run on keep-alive connections without a request error.
/// </summary>
public sealed class LoadRunTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_mixed_run_against_marconi_posts_claims_deletes_and_lists_without_errors(bool bulkDelete)
    {
        await using var harness = await EngineHarness.CreateAsync();
        var server = new HttpServer(new ZaqarApiHandler(harness.Engine), new HttpServerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] });
        await server.StartAsync(CancellationToken.None);
        try
        {
            string[] arguments =
            [
                "--url", $"http://{server.BoundEndpoints[0]}", "--producers", "2", "--consumers", "2", "--observers", "1",
                "--message-size", "200", "--batch", "3", "--warmup", "0", "--duration", "30", "--max-requests", "600", "--timeout", "20",
            ];
            var options = LoadOptions.Parse(bulkDelete ? [.. arguments, "--bulk-delete"] : arguments);
            Assert.Equal(bulkDelete, options.BulkDelete);
            await using var run = new LoadRun(options);
            var (workers, totals) = await CheckedLoadRun.RunAsync(run, expectedIssued: 600);
            var posted = workers.Where(w => w.Role == Role.Producer).Sum(w => w.Stats.Posted);
            var deleted = workers.Where(w => w.Role == Role.Consumer).Sum(w => w.Stats.Deleted);
            var listed = workers.Where(w => w.Role == Role.Observer).Sum(w => w.Stats.Listed);
            Assert.True(posted > 0 && deleted > 0 && listed > 0, $"posted {posted}, deleted {deleted}, listed {listed}");
            Assert.True(deleted <= posted, $"deleted {deleted} of {posted} posted");
            // What the consumers counted as deleted is gone from the server: the bulk form deleted every id it named.
            Assert.Equal(posted - deleted, totals.Values.Single());

            // Keep-alive: one connection per worker plus the set-up one, not one per request.
            Assert.False(run.ClosesConnections);
            Assert.Equal(options.Workers + 1, run.ConnectionsOpened);
        }
        finally
        {
            await server.StopAsync(TimeSpan.FromSeconds(2));
        }
    }

    [Fact]
    public async Task A_paced_run_never_offers_more_than_its_rate()
    {
        await using var harness = await EngineHarness.CreateAsync();
        var server = new HttpServer(new ZaqarApiHandler(harness.Engine), new HttpServerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] });
        await server.StartAsync(CancellationToken.None);
        try
        {
            // 40 requests/s over 2 producers for 1.5 s: 20 slots/s each, plus the one at the start and one cut short
            // by the end. Unpaced, the same run posts hundreds; only the upper bound is checked (a slow machine posts fewer).
            var options = LoadOptions.Parse(
                ["--url", $"http://{server.BoundEndpoints[0]}", "--producers", "2", "--consumers", "1", "--rate", "40",
                 "--message-size", "64", "--warmup", "0", "--duration", "1.5", "--max-requests", "100000", "--timeout", "20"]);
            await using var run = new LoadRun(options);
            await run.SetUpAsync();
            var (workers, _, _) = await run.RunAsync();
            await run.TearDownAsync();

            var posts = workers.Where(w => w.Role == Role.Producer).Sum(w => w.Stats.TotalRequests[(int)RequestKind.Post]);
            Assert.InRange(posts, 1, 2 * ((40 / 2 * 1.5) + 2));
            Assert.Empty(workers.SelectMany(w => w.Stats.Errors));
        }
        finally
        {
            await server.StopAsync(TimeSpan.FromSeconds(2));
        }
    }
}
