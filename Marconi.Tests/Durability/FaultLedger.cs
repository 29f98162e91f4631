using System.Diagnostics;
using System.Text;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;

namespace Marconi.Tests.Durability;

/// <summary>
/// What a storage-fault test did to one queue: the messages acknowledged, the acknowledged deletes, and the changes
/// refused with StorageUnavailable (which may or may not have happened). <see cref="AssertQueueAsync"/> checks a listing
/// against it.
/// </summary>
internal sealed class FaultLedger
{
    /// <summary>Generous bound on a recovery after the fault is switched off; it detects a store that never recovers.</summary>
    public static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    private readonly Dictionary<string, string> _acknowledged = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refusedBodies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refusedDeletes = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>The ids acknowledged and not deleted, oldest first.</summary>
    public IEnumerable<string> LiveIds => _acknowledged.Keys.Where(id => !_deleted.Contains(id) && !_refusedDeletes.Contains(id));

    /// <summary>A fresh, unique JSON body.</summary>
    public string NextBody(string tag) => $"{{\"tag\":\"{tag}\",\"n\":{_next++}}}";

    public void Acknowledged(string id, string body) => _acknowledged.Add(id, body);

    public void AcknowledgedDelete(string id) => _deleted.Add(id);

    public void Refused(string body) => _refusedBodies.Add(body);

    public void RefusedDelete(string id) => _refusedDeletes.Add(id);

    /// <summary>Posts <paramref name="batches"/> batches of <paramref name="size"/> through the engine, each acknowledged.</summary>
    public async Task PostAcknowledgedAsync(QueueEngine engine, string project, string queue, Guid client, int batches, int size, string tag)
    {
        for (var b = 0; b < batches; b++)
        {
            var bodies = Enumerable.Range(0, size).Select(_ => NextBody(tag)).ToList();
            var ids = await engine.PostMessagesAsync(project, queue, bodies.Select(x => new NewMessage(Encoding.UTF8.GetBytes(x))).ToList(), client);
            for (var i = 0; i < ids.Count; i++)
            {
                Acknowledged(ids[i], bodies[i]);
            }
        }
    }

    /// <summary>
    /// Every acknowledged, undeleted message is listed with its body; an acknowledged delete stays deleted; anything
    /// else listed is a refused post or a message whose delete was refused (both "may have happened"); nothing twice.
    /// </summary>
    public void AssertListing(IReadOnlyList<(string Id, string Body)> listed, string when)
    {
        var seenBodies = new HashSet<string>(StringComparer.Ordinal);
        var listedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, body) in listed)
        {
            Assert.True(seenBodies.Add(body), $"{when}: the body {body} is listed twice.");
            Assert.True(listedIds.Add(id), $"{when}: the id {id} is listed twice.");
            if (_acknowledged.TryGetValue(id, out var expected))
            {
                Assert.True(expected == body, $"{when}: message {id} has the body {body}, acknowledged as {expected}.");
                Assert.False(_deleted.Contains(id), $"{when}: message {id} was deleted (acknowledged) but is listed again.");
            }
            else
            {
                Assert.True(_refusedBodies.Contains(body), $"{when}: message {id} with body {body} was never posted (corruption or a resurrected id).");
            }
        }

        foreach (var id in LiveIds)
        {
            Assert.True(listedIds.Contains(id), $"{when}: the acknowledged message {id} ({_acknowledged[id]}) is missing.");
        }
    }

    /// <summary>Lists the whole queue through the engine and checks it with <see cref="AssertListing"/>.</summary>
    public async Task AssertQueueAsync(QueueEngine engine, string project, string queue, string when)
    {
        var messages = await MessageScan.ListAllAsync(engine, project, queue);
        AssertListing(messages.Select(m => (m.Id, Encoding.UTF8.GetString(m.Body.Span))).ToList(), when);
    }

    /// <summary>Runs a whole fault scenario under a bound, so a store that hangs (a gate never reopened) fails the test.</summary>
    public static async Task WithinScenarioBound(Func<Task> scenario, string what)
    {
        var bound = RecoveryBound * 3;
        var task = scenario();
        var finished = await Task.WhenAny(task, Task.Delay(bound));
        Assert.True(finished == task, $"{what} did not complete within {bound.TotalSeconds} s (hang).");
        await task;
    }

    /// <summary>
    /// Waits until <paramref name="faults"/> has hit at least <paramref name="writes"/> writes: the store's own probe
    /// after its first rebuild is one, so the rest of the test runs against a store that has rebuilt and is still failing.
    /// </summary>
    public static async Task WaitForFaultedWritesAsync(Journal.StorageFaults faults, int writes)
    {
        var started = Stopwatch.StartNew();
        while (faults.Injected < writes)
        {
            Assert.True(started.Elapsed < RecoveryBound, $"Only {faults.Injected} of {writes} writes were faulted within {RecoveryBound.TotalSeconds} s: the store does not retry.");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits until the store has recovered from <paramref name="count"/> storage failures.</summary>
    public static async Task WaitForRecoveriesAsync(Marconi.Storage.Faster.FasterQueueStore store, long count)
    {
        var started = Stopwatch.StartNew();
        while (store.StorageRecoveries < count)
        {
            Assert.True(started.Elapsed < RecoveryBound, $"The store recovered {store.StorageRecoveries} times, not {count}, within {RecoveryBound.TotalSeconds} s after the fault was switched off.");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Retries <paramref name="attempt"/> every 20 ms until it succeeds, at most <see cref="RecoveryBound"/>; every
    /// failure before that must be StorageUnavailable. Returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> RetryUntilAcceptedAsync(Func<Task<bool>> attempt, string what)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await attempt())
                {
                    return started.Elapsed;
                }
            }
            catch (QueueException error) when (error.Kind == QueueErrorKind.StorageUnavailable)
            {
                // Still recovering.
            }

            Assert.True(started.Elapsed < RecoveryBound, $"{what}: the store did not accept writes within {RecoveryBound.TotalSeconds} s after the fault was switched off.");
            await Task.Delay(20);
        }
    }
}
