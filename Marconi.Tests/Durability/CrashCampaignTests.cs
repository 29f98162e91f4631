using Marconi.Crash;
using Marconi.Tests.Support;
using Xunit.Abstractions;

namespace Marconi.Tests.Durability;

/// <summary>
/// The crash campaign (Marconi.Crash) for a few rounds, as CI runs it: the real server binary on a fresh directory,
/// producers and consumers over HTTP on loopback, SIGKILL under load, restart, verification. The checks it relies on
/// are shown to fail on bad listings in <see cref="CrashVerifierTests"/>.
/// </summary>
public sealed class CrashCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_rounds_of_sigkill_against_the_server_binary_find_nothing_lost_duplicated_or_corrupted()
    {
        var server = ServerLocator.Find(AppContext.BaseDirectory);
        Assert.True(server is not null, $"No marconi-server.dll found from {AppContext.BaseDirectory}: Marconi.Tests references Marconi.Server, so building the tests builds it.");
        using var directory = new TempDirectory("crash-campaign");
        var options = new CrashOptions
        {
            Rounds = 3,
            Producers = 3,
            Consumers = 3,
            MinRunMs = 400,
            MaxRunMs = 1500,
            MaxBacklog = 1500,
            // A bound, not a timing assertion: a slow machine makes the campaign stop early, which fails below.
            MaxSeconds = 120,
        };
        using var log = new StringWriter();
        var synchronizedLog = TextWriter.Synchronized(log);

        var result = await new Campaign(options, server, directory.Path, synchronizedLog).RunAsync();

        output.WriteLine(log.ToString());
        output.WriteLine(result.Summary());
        Assert.True(result.Findings.Total == 0, $"{result.Summary()}\n{string.Join("\n", result.Findings.Details.Take(30))}");
        Assert.True(result.ServerFailure is null, result.ServerFailure);
        Assert.Equal(3, result.Rounds);
        Assert.True(result.AcknowledgedWrites > 0, "No post was acknowledged: the campaign proved nothing.");
        Assert.True(result.AcknowledgedDeletes > 0, "No delete was acknowledged: the deleted-stays-deleted check proved nothing.");
        Assert.True(result.Claims > 0, "No claim was granted: the claim checks proved nothing.");
        Assert.True(result.Passed);
        Assert.StartsWith("crash campaign: 3 rounds, ", result.Summary(), StringComparison.Ordinal);
    }
}
