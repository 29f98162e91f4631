using Marconi.Load;

namespace Marconi.Tests.Load;

/// <summary>A whole bounded load-tool run (set up, run, queue totals, tear down) that must see no request error.</summary>
internal static class CheckedLoadRun
{
    /// <summary>Runs <paramref name="run"/> (the caller disposes it); asserts no errors and exactly <paramref name="expectedIssued"/> requests.</summary>
    public static async Task<(List<(Role Role, RunStats Stats, int Node)> Workers, Dictionary<string, long?> Totals)> RunAsync(LoadRun run, long expectedIssued)
    {
        await run.SetUpAsync();
        var (workers, _, issued) = await run.RunAsync();
        var totals = await run.QueueTotalsAsync();
        await run.TearDownAsync();

        var errors = workers.SelectMany(w => w.Stats.Errors).ToList();
        Assert.True(errors.Count == 0, "errors: " + string.Join(", ", errors.Select(e => $"{e.Key}={e.Value}")));
        Assert.Equal(expectedIssued, issued);
        return (workers, totals);
    }
}
