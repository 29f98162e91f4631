using System.Text;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Journal;
using Marconi.Tests.Support;
using Xunit.Abstractions;

namespace Marconi.Tests.Durability;

/// <summary>
/// Storage faults injected under the FASTER log, through the engine: writes during the fault are refused as
/// StorageUnavailable and never acknowledged, reads go on, the store recovers by itself once the fault is gone, and a
/// reopen from disk afterwards has every acknowledged change and nothing else but refused ones.
/// </summary>
public sealed class StorageFaultTests(ITestOutputHelper output)
{
    private const string Project = "faults";
    private const string Queue = "orders";

    public static TheoryData<StorageFaultKind> Kinds => new()
    {
        StorageFaultKind.FailedWrite,
        StorageFaultKind.FailedFsync,
        StorageFaultKind.ShortWrite,
        StorageFaultKind.DiskFull,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task A_fault_refuses_writes_keeps_reads_and_the_store_recovers_by_itself(StorageFaultKind kind) =>
        FaultLedger.WithinScenarioBound(() => RunFaultAsync(kind), $"The {kind} scenario");

    private async Task RunFaultAsync(StorageFaultKind kind)
    {
        var faults = new StorageFaults();
        await using var harness = await EngineHarness.CreateAsync(configure: o => o with
        {
            DeviceFactory = faults.DeviceFactory,
            StorageRetryInterval = TimeSpan.FromMilliseconds(50),
        });
        var client = Guid.NewGuid();
        var ledger = new FaultLedger();

        await ledger.PostAcknowledgedAsync(harness.Engine, Project, Queue, client, batches: 20, size: 3, "before");
        foreach (var id in ledger.LiveIds.Take(4).ToList())
        {
            Assert.True(await harness.Engine.DeleteMessageAsync(Project, Queue, id));
            ledger.AcknowledgedDelete(id);
        }

        var claim = await harness.Engine.ClaimMessagesAsync(Project, Queue, new ClaimOptions(Limit: 2));
        Assert.NotNull(claim);

        faults.Kind = kind;
        for (var i = 0; i < 5; i++)
        {
            var body = ledger.NextBody("refused");
            ledger.Refused(body);
            var error = await Assert.ThrowsAsync<QueueException>(async () =>
                await harness.Engine.PostMessagesAsync(Project, Queue, [new NewMessage(Encoding.UTF8.GetBytes(body))], client));
            Assert.Equal(QueueErrorKind.StorageUnavailable, error.Kind);
        }

        Assert.True(faults.Injected > 0, "The fault never hit a write.");
        Assert.False(harness.Store.IsStorageAvailable);
        await FaultLedger.WaitForFaultedWritesAsync(faults, faults.Injected + 2);

        var victim = ledger.LiveIds.Last();
        ledger.RefusedDelete(victim);
        var refusedDelete = await Assert.ThrowsAsync<QueueException>(async () => await harness.Engine.DeleteMessageAsync(Project, Queue, victim));
        Assert.Equal(QueueErrorKind.StorageUnavailable, refusedDelete.Kind);
        var refusedQueue = await Assert.ThrowsAsync<QueueException>(async () => await harness.Engine.CreateQueueAsync(Project, "created-during-fault"));
        Assert.Equal(QueueErrorKind.StorageUnavailable, refusedQueue.Kind);

        // Reads during the fault: the listing, a message by id, the claim, the stats.
        await ledger.AssertQueueAsync(harness.Engine, Project, Queue, $"During {kind}");
        var first = ledger.LiveIds.First();
        Assert.Equal(first, (await harness.Engine.GetMessageAsync(Project, Queue, first)).Id);
        Assert.Equal(2, (await harness.Engine.GetClaimAsync(Project, Queue, claim.ClaimId)).Messages.Count);
        Assert.True((await harness.Engine.GetQueueStatsAsync(Project, Queue)).Total >= ledger.LiveIds.Count());
        Assert.False(harness.Store.IsStorageAvailable);

        faults.Kind = StorageFaultKind.None;
        var took = await FaultLedger.RetryUntilAcceptedAsync(
            async () =>
            {
                var body = ledger.NextBody("after");
                var ids = await harness.Engine.PostMessagesAsync(Project, Queue, [new NewMessage(Encoding.UTF8.GetBytes(body))], client);
                ledger.Acknowledged(ids[0], body);
                return true;
            },
            kind.ToString());
        output.WriteLine($"{kind}: writes accepted again {took.TotalMilliseconds:F0} ms after the fault was switched off; {faults.Injected} writes faulted; {harness.Store.StorageRecoveries} recoveries");
        Assert.True(harness.Store.IsStorageAvailable);
        Assert.Equal(1, harness.Store.StorageRecoveries);

        await ledger.PostAcknowledgedAsync(harness.Engine, Project, Queue, client, batches: 5, size: 3, "after");
        Assert.True(await harness.Engine.CreateQueueAsync(Project, "created-after-fault") || await harness.Engine.QueueExistsAsync(Project, "created-after-fault"));
        await ledger.AssertQueueAsync(harness.Engine, Project, Queue, $"After {kind}");
        Assert.Equal(2, (await harness.Engine.GetClaimAsync(Project, Queue, claim.ClaimId)).Messages.Count);

        await harness.ReopenAsync();
        Assert.Equal(0, harness.Store.Recovery.RecordsDropped);
        await ledger.AssertQueueAsync(harness.Engine, Project, Queue, $"Reopened after {kind}");
        Assert.Equal(2, (await harness.Engine.GetClaimAsync(Project, Queue, claim.ClaimId)).Messages.Count);
        Assert.True(await harness.Engine.QueueExistsAsync(Project, "created-after-fault"));
    }

    [Fact]
    public Task A_fault_that_comes_and_goes_repeatedly_never_loses_an_acknowledged_message() =>
        FaultLedger.WithinScenarioBound(() => RunFlappingFaultsAsync(), "The flapping-fault scenario");

    private async Task RunFlappingFaultsAsync()
    {
        var faults = new StorageFaults();
        await using var harness = await EngineHarness.CreateAsync(configure: o => o with
        {
            DeviceFactory = faults.DeviceFactory,
            StorageRetryInterval = TimeSpan.FromMilliseconds(50),
        });
        var client = Guid.NewGuid();
        var ledger = new FaultLedger();
        var kinds = new[] { StorageFaultKind.ShortWrite, StorageFaultKind.FailedFsync, StorageFaultKind.DiskFull, StorageFaultKind.FailedWrite };

        // Concurrent writers keep posting while the fault flips; each post is either acknowledged or refused.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var flipsDone = new CancellationTokenSource();
        var refusals = 0;
        var gate = new object();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20_000 && !stop.IsCancellationRequested && !flipsDone.IsCancellationRequested; i++)
            {
                string body;
                lock (gate)
                {
                    body = ledger.NextBody($"w{w}");
                }

                try
                {
                    var ids = await harness.Engine.PostMessagesAsync(Project, Queue, [new NewMessage(Encoding.UTF8.GetBytes(body))], client);
                    lock (gate)
                    {
                        ledger.Acknowledged(ids[0], body);
                    }
                }
                catch (QueueException error) when (error.Kind == QueueErrorKind.StorageUnavailable)
                {
                    lock (gate)
                    {
                        ledger.Refused(body);
                    }

                    Interlocked.Increment(ref refusals);
                    await Task.Delay(2);
                }
            }
        })).ToList();

        // Each fault stays on until it has hit a write, however slowly the writers run on a loaded machine.
        // Each outage ends in a recovery before the next begins, so every one is a fresh failure of a healthy log.
        for (var outage = 0; outage < kinds.Length; outage++)
        {
            await Task.Delay(30);
            var before = faults.Injected;
            faults.Kind = kinds[outage];
            await FaultLedger.WaitForFaultedWritesAsync(faults, before + 1);
            await Task.Delay(20);
            faults.Kind = StorageFaultKind.None;
            await FaultLedger.WaitForRecoveriesAsync(harness.Store, outage + 1);
        }

        await Task.Delay(30);
        await flipsDone.CancelAsync();
        await Task.WhenAll(writers);
        output.WriteLine($"{refusals} posts refused, {faults.Injected} writes faulted, {harness.Store.StorageRecoveries} recoveries");
        Assert.True(faults.Injected >= kinds.Length, "A fault hit no write.");
        Assert.Equal(kinds.Length, harness.Store.StorageRecoveries);

        await FaultLedger.RetryUntilAcceptedAsync(
            async () =>
            {
                var body = ledger.NextBody("final");
                var ids = await harness.Engine.PostMessagesAsync(Project, Queue, [new NewMessage(Encoding.UTF8.GetBytes(body))], client);
                ledger.Acknowledged(ids[0], body);
                return true;
            },
            "After the flapping faults");
        await ledger.AssertQueueAsync(harness.Engine, Project, Queue, "After the flapping faults");

        await harness.ReopenAsync();
        Assert.Equal(0, harness.Store.Recovery.RecordsDropped);
        await ledger.AssertQueueAsync(harness.Engine, Project, Queue, "Reopened after the flapping faults");
    }
}
