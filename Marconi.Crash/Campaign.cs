using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Marconi.Crash;

/// <summary>
/// The campaign: the server on one data directory; each round runs producers and consumers against it for a random
/// time, kills it with SIGKILL while requests are in flight, sometimes kills it once more during its recovery, restarts
/// it and verifies every queue with nothing else running. Claim overlaps are checked over all rounds at the end.
/// </summary>
internal sealed class Campaign(CrashOptions options, string serverDll, string dataDir, TextWriter log)
{
    private const string Project = "crash";

    /// <summary>One round in this many also kills the restarted server during its recovery, before verifying.</summary>
    private const int RecoveryKillEvery = 4;

    private const int MaxListingPages = 100_000;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WorkerDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly string _verifierClientId = Guid.NewGuid().ToString();

    /// <summary>Runs the campaign to its end (all rounds, --max-seconds, or a server failure) and returns what it found.</summary>
    public async Task<CampaignResult> RunAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(options.MaxSeconds * Stopwatch.Frequency);
        var random = new Random(options.Seed);
        var findings = new Findings(line => log.WriteLine(line));
        var ledger = new Ledger(findings);
        var queues = Enumerable.Range(0, options.Queues).Select(i => string.Create(CultureInfo.InvariantCulture, $"crash-{i}")).ToArray();
        var producers = Enumerable.Range(0, options.Producers).Select(i => new Producer(i, queues[i % queues.Length], ledger, new Random(random.Next()), options.MaxBacklog)).ToArray();
        var consumers = Enumerable.Range(0, options.Consumers).Select(i => new Consumer(queues[i % queues.Length], ledger, new Random(random.Next()))).ToArray();
        var rounds = 0;
        string? failure = null;
        ServerProcess? server = null;
        log.WriteLine($"crash campaign: seed {options.Seed}, {options.Rounds} rounds, {options.Producers} producers, {options.Consumers} consumers, {queues.Length} queues; server {serverDll}; data {dataDir}");
        try
        {
            server = ServerProcess.Start(serverDll, options.Port, dataDir);
            var url = await WaitReadyAsync(server);
            await CreateQueuesAsync(url, queues);
            for (var round = 1; round <= options.Rounds; round++)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    log.WriteLine($"--max-seconds {options.MaxSeconds} reached: no more rounds");
                    break;
                }

                var writesBefore = ledger.AcknowledgedWrites;
                var deletesBefore = ledger.AcknowledgedDeletes;
                var claimsBefore = ledger.Claims.Count;
                var settledBefore = ledger.Settled;
                var counters = new RoundCounters();
                var runMs = random.Next(options.MinRunMs, options.MaxRunMs + 1);
                await LoadThenKillAsync(server, url, producers, consumers, runMs, counters);
                await server.DisposeAsync();
                server = null;

                var recoveryKillMs = random.Next(RecoveryKillEvery) == 0 ? random.Next(0, 500) : -1;
                if (recoveryKillMs >= 0)
                {
                    await using var recovering = ServerProcess.Start(serverDll, options.Port, dataDir);
                    await Task.Delay(recoveryKillMs);
                    if (recovering.HasExited)
                    {
                        throw new ServerFailedException($"the server (pid {recovering.Id}) exited by itself with code {recovering.ExitCode} during recovery; output:\n{recovering.Output}");
                    }

                    await recovering.KillAsync(KillTimeout);
                }

                var restartedAt = Stopwatch.GetTimestamp();
                server = ServerProcess.Start(serverDll, options.Port, dataDir);
                url = await WaitReadyAsync(server);
                var restartMs = Stopwatch.GetElapsedTime(restartedAt).TotalMilliseconds;
                var problemsBefore = findings.Total;
                var listed = await VerifyAsync(url, queues, ledger, random);
                rounds++;
                var again = recoveryKillMs >= 0 ? string.Create(CultureInfo.InvariantCulture, $", again {recoveryKillMs} ms into recovery") : string.Empty;
                var unexpected = counters.UnexpectedSummary();
                var settled = ledger.Settled;
                log.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"round {round}: killed after {runMs} ms of load{again}; " +
                    $"+{ledger.AcknowledgedWrites - writesBefore} acknowledged writes, +{ledger.AcknowledgedDeletes - deletesBefore} deletes, " +
                    $"+{ledger.Claims.Count - claimsBefore} claims ({counters.EmptyClaims} empty), in doubt {counters.PostsInDoubt} posts / {counters.DeletesInDoubt} deletes " +
                    $"(messages settled present {settled.Present - settledBefore.Present}, absent {settled.Absent - settledBefore.Absent}), " +
                    $"{counters.DeletesRefused} deletes refused; restart {restartMs:F0} ms; verified {listed} live messages, {findings.Total - problemsBefore} new problems"));
                if (unexpected.Length > 0)
                {
                    log.WriteLine($"round {round}: unexpected answers while the server was up: {unexpected}");
                }
            }

            var pairs = ClaimChecker.Check(ledger.Claims, findings);
            log.WriteLine($"claims: {ledger.Claims.Count} granted; {pairs} pairs of claims handed out the same message, each checked for overlap");
        }
        catch (ServerFailedException e)
        {
            failure = e.Message;
            log.WriteLine($"server failure after {rounds} rounds: {e.Message}");
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        return new CampaignResult(
            options.Rounds, rounds, ledger.AcknowledgedWrites, ledger.AcknowledgedDeletes, ledger.Claims.Count, findings, failure, options.Seed,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Runs the workers for <paramref name="runMs"/>, kills the server under them, and waits until every worker stopped.</summary>
    private static async Task LoadThenKillAsync(ServerProcess server, Uri url, Producer[] producers, Consumer[] consumers, int runMs, RoundCounters counters)
    {
        // A client per round, disposed before the restart: no request of this round can reach the next server.
        using var client = new ZaqarClient(url, Project, producers.Length + consumers.Length + 1, RequestTimeout);
        using var stop = new CancellationTokenSource();
        var workers = producers.Select(p => Task.Run(() => p.RunAsync(client, counters, stop.Token)))
            .Concat(consumers.Select(c => Task.Run(() => c.RunAsync(client, counters, stop.Token))))
            .ToList();
        await Task.Delay(runMs);
        if (server.HasExited)
        {
            throw new ServerFailedException($"the server (pid {server.Id}) exited by itself with code {server.ExitCode} under load; output:\n{server.Output}");
        }

        // Kill first, stop the workers after: the kill must find requests in flight.
        await server.KillAsync(KillTimeout);
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(workers).WaitAsync(WorkerDrainTimeout);
        }
        catch (TimeoutException)
        {
            throw new ServerFailedException($"the workers did not stop within {WorkerDrainTimeout.TotalSeconds:F0} s of the kill");
        }
    }

    /// <summary>Waits for the listening line, then for a 204 to /v2/ping.</summary>
    private async Task<Uri> WaitReadyAsync(ServerProcess server)
    {
        var url = await server.WaitUntilListeningAsync(StartTimeout);
        using var client = new ZaqarClient(url, Project, 1, RequestTimeout);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            if (await client.PingAsync(_verifierClientId, timeout.Token))
            {
                return url;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new ServerFailedException($"the server (pid {server.Id}) listens on {url} but does not answer /v2/ping: {e.Message}; output:\n{server.Output}");
        }

        throw new ServerFailedException($"the server (pid {server.Id}) listens on {url} but /v2/ping does not answer 204");
    }

    private async Task CreateQueuesAsync(Uri url, string[] queues)
    {
        using var client = new ZaqarClient(url, Project, 1, RequestTimeout);
        foreach (var queue in queues)
        {
            var status = await client.CreateQueueAsync(queue, _verifierClientId);
            if (status is not (201 or 204))
            {
                throw new ServerFailedException($"creating queue {queue} answered {status}");
            }
        }
    }

    /// <summary>Reads every queue (listing, stats, a sample by id) and checks it; returns how many messages were listed.</summary>
    private async Task<int> VerifyAsync(Uri url, string[] queues, Ledger ledger, Random random)
    {
        using var client = new ZaqarClient(url, Project, 1, RequestTimeout);
        var listed = 0;
        foreach (var queue in queues)
        {
            QueueSnapshot snapshot;
            try
            {
                var listing = await client.ListAllAsync(queue, _verifierClientId, MaxListingPages);
                var stats = await client.StatsAsync(queue, _verifierClientId);
                var sample = listing.Count == 0
                    ? []
                    : Enumerable.Range(0, Math.Min(ZaqarClient.PageSize, listing.Count)).Select(_ => listing[random.Next(listing.Count)].Id).Distinct(StringComparer.Ordinal).ToList();
                var byId = sample.Count == 0 ? [] : await client.GetByIdsAsync(queue, _verifierClientId, sample);
                snapshot = new QueueSnapshot(queue, listing, stats, sample, byId);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ServerFailedException($"reading {queue} after the restart failed: {e.GetType().Name}: {e.Message}");
            }

            Verifier.Verify(ledger, snapshot, DateTime.UtcNow);
            listed += snapshot.Listing.Count;
        }

        return listed;
    }
}
