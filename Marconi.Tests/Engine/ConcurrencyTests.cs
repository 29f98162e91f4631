using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>
/// Many tasks posting, claiming and deleting on one queue. The fake clock stands still, so no claim expires: a message
/// must be held by at most one claim at a time, deleted exactly once, none lost, and FIFO must hold per producer.
/// </summary>
public class ConcurrencyTests : EngineTestBase
{
    private const string Queue = "busy";
    private const int Producers = 4;
    private const int MessagesPerProducer = 250;
    private const int Total = Producers * MessagesPerProducer;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Waits for the workers; a deadline cancellation surfaces as the assertions on what got done.</summary>
    private static async Task WhenAllOrDeadline(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static (int Producer, int Sequence) Parse(QueuedMessage message)
    {
        using var document = JsonDocument.Parse(message.Body);
        return (document.RootElement.GetProperty("p").GetInt32(), document.RootElement.GetProperty("s").GetInt32());
    }

    /// <summary>Each producer posts its stream in order, in batches of 1 to 5, durable and relaxed alternately.</summary>
    private Task[] StartProducers(ConcurrentDictionary<string, (int Producer, int Sequence)> posted, CancellationToken cancellationToken) =>
        Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var client = Guid.NewGuid();
            var sequence = 0;
            var batch = 0;
            while (sequence < MessagesPerProducer)
            {
                var size = Math.Min(1 + ((p + batch) % 5), MessagesPerProducer - sequence);
                var messages = Enumerable.Range(sequence, size).Select(s => Msg($"{{\"p\":{p},\"s\":{s}}}")).ToArray();
                var durability = batch % 2 == 0 ? WriteDurability.Durable : WriteDurability.Relaxed;
                var ids = await Engine.PostMessagesAsync(Project, Queue, messages, client, durability, cancellationToken);
                Assert.Equal(size, ids.Count);
                for (var i = 0; i < size; i++)
                {
                    Assert.True(posted.TryAdd(ids[i], (p, sequence + i)), $"Id {ids[i]} was issued twice.");
                }

                sequence += size;
                batch++;
            }
        }, cancellationToken)).ToArray();

    [Fact]
    public async Task Producers_and_consumers_deliver_every_message_exactly_once_in_per_producer_order()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var posted = new ConcurrentDictionary<string, (int Producer, int Sequence)>();
        // Message id -> the claim holding it right now (entered after a claim returns, removed before deleting).
        var held = new ConcurrentDictionary<string, string>();
        var deleted = new ConcurrentDictionary<string, (int Producer, int Sequence)>();
        var claims = new ConcurrentBag<ClaimResult>();
        var violations = new ConcurrentQueue<string>();

        var producers = StartProducers(posted, timeout.Token);
        var consumers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            while (deleted.Count < Total && !timeout.IsCancellationRequested)
            {
                var claim = await Engine.ClaimMessagesAsync(Project, Queue, new ClaimOptions(Limit: 1 + (c % 5) * 2, Ttl: 3600, Grace: 60), timeout.Token);
                if (claim is null)
                {
                    await Task.Delay(1, timeout.Token);
                    continue;
                }

                claims.Add(claim);
                foreach (var message in claim.Messages)
                {
                    if (!held.TryAdd(message.Id, claim.ClaimId))
                    {
                        violations.Enqueue($"Message {message.Id} handed to claim {claim.ClaimId} while claim {held[message.Id]} held it.");
                    }

                    if (message.ClaimId != claim.ClaimId)
                    {
                        violations.Enqueue($"Message {message.Id} in claim {claim.ClaimId} says it is held by {message.ClaimId}.");
                    }
                }

                foreach (var message in claim.Messages)
                {
                    held.TryRemove(message.Id, out _);
                    if (!await Engine.DeleteMessageAsync(Project, Queue, message.Id, claim.ClaimId, timeout.Token))
                    {
                        violations.Enqueue($"Message {message.Id} of claim {claim.ClaimId} was gone before its holder deleted it.");
                    }

                    if (!deleted.TryAdd(message.Id, Parse(message)))
                    {
                        violations.Enqueue($"Message {message.Id} was delivered and deleted twice.");
                    }
                }
            }
        }, timeout.Token)).ToArray();

        await WhenAllOrDeadline(producers.Concat(consumers));

        Assert.Empty(violations);
        Assert.Equal(Total, posted.Count);
        Assert.True(deleted.Count == Total, $"Only {deleted.Count} of {Total} messages were consumed before the deadline.");
        Assert.Equal(posted.OrderBy(kv => kv.Key, StringComparer.Ordinal), deleted.OrderBy(kv => kv.Key, StringComparer.Ordinal));

        // Ids sort in acceptance order: each producer's stream got increasing ids.
        foreach (var stream in posted.GroupBy(kv => kv.Value.Producer))
        {
            var bySequence = stream.OrderBy(kv => kv.Value.Sequence).Select(kv => kv.Key).ToList();
            Assert.Equal(bySequence.Order(StringComparer.Ordinal), bySequence);
        }

        // Each claim hands out messages oldest first, and claims (in the order their ids were issued) deliver each
        // producer's stream in order.
        var claimOrder = claims.OrderBy(c => c.ClaimId, StringComparer.Ordinal).ToList();
        foreach (var claim in claimOrder)
        {
            var ids = claim.Messages.Select(m => m.Id).ToList();
            Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        }

        var delivered = claimOrder.SelectMany(c => c.Messages).Select(Parse).ToList();
        foreach (var stream in delivered.GroupBy(d => d.Producer))
        {
            var sequences = stream.Select(d => d.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, MessagesPerProducer), sequences);
        }

        var stats = await Engine.GetQueueStatsAsync(Project, Queue);
        Assert.Equal((0L, 0L), (stats.Claimed, stats.Free));
    }

    /// <summary>
    /// Posts to different queues take different locks but share the store's sequence counter, so this is where a
    /// counter update that is not atomic would hand one id out twice (the crash campaign caught exactly that).
    /// </summary>
    [Fact]
    public async Task Posts_racing_on_many_queues_never_share_an_id()
    {
        const int Queues = 8, PostersPerQueue = 2, BatchesPerPoster = 300;
        using var timeout = new CancellationTokenSource(Deadline);
        var issued = new ConcurrentDictionary<string, int>();
        var duplicates = new ConcurrentQueue<string>();
        var posters = Enumerable.Range(0, Queues * PostersPerQueue).Select(p => Task.Run(async () =>
        {
            var queue = $"race-{p % Queues}";
            for (var batch = 0; batch < BatchesPerPoster && !timeout.IsCancellationRequested; batch++)
            {
                var ids = await Engine.PostMessagesAsync(Project, queue, [Msg("1"), Msg("2")], Poster, WriteDurability.Relaxed, timeout.Token);
                foreach (var id in ids)
                {
                    if (!issued.TryAdd(id, p))
                    {
                        duplicates.Enqueue($"{id} (posters {issued[id]} and {p})");
                    }
                }
            }
        }, timeout.Token));
        await WhenAllOrDeadline(posters);

        Assert.Empty(duplicates);
        Assert.Equal(Queues * PostersPerQueue * BatchesPerPoster * 2, issued.Count);
    }

    [Fact]
    public async Task Competing_claimers_split_the_messages_without_overlap()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.AddRange(await PostNumberedAsync(Queue, 20, first: i * 20));
        }

        var claimed = new ConcurrentBag<(string ClaimId, string MessageId)>();
        var claimers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            while (await Engine.ClaimMessagesAsync(Project, Queue, new ClaimOptions(Limit: 1 + c)) is { } claim)
            {
                foreach (var message in claim.Messages)
                {
                    claimed.Add((claim.ClaimId, message.Id));
                }
            }
        })).ToArray();
        await Task.WhenAll(claimers);

        Assert.Equal(ids.Count, claimed.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), claimed.Select(c => c.MessageId).Order(StringComparer.Ordinal));
        var stats = await Engine.GetQueueStatsAsync(Project, Queue);
        Assert.Equal((200L, 0L), (stats.Claimed, stats.Free));

        // Every claim still holds exactly what it was given.
        foreach (var group in claimed.GroupBy(c => c.ClaimId))
        {
            var claim = await Engine.GetClaimAsync(Project, Queue, group.Key);
            Assert.Equal(group.Select(g => g.MessageId).Order(StringComparer.Ordinal), claim.Messages.Select(m => m.Id));
        }
    }

    [Fact]
    public async Task Releasing_and_reclaiming_under_contention_loses_nothing_and_never_double_holds()
    {
        const int Count = 300;
        for (var i = 0; i < Count; i += 20)
        {
            await PostNumberedAsync(Queue, 20, first: i);
        }

        using var timeout = new CancellationTokenSource(Deadline);
        var held = new ConcurrentDictionary<string, string>();
        var deleted = new ConcurrentDictionary<int, string>();
        var violations = new ConcurrentQueue<string>();
        var releases = 0;

        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (deleted.Count < Count && !timeout.IsCancellationRequested)
            {
                var claim = await Engine.ClaimMessagesAsync(Project, Queue, new ClaimOptions(Limit: 1 + random.Next(6)), timeout.Token);
                if (claim is null)
                {
                    await Task.Delay(1, timeout.Token);
                    continue;
                }

                foreach (var message in claim.Messages)
                {
                    if (!held.TryAdd(message.Id, claim.ClaimId))
                    {
                        violations.Enqueue($"Message {message.Id} handed to claim {claim.ClaimId} while claim {held[message.Id]} held it.");
                    }
                }

                if (random.Next(3) == 0)
                {
                    // Give the messages back: remove them from "held" first, then release.
                    foreach (var message in claim.Messages)
                    {
                        held.TryRemove(message.Id, out _);
                    }

                    Interlocked.Increment(ref releases);
                    if (!await Engine.ReleaseClaimAsync(Project, Queue, claim.ClaimId, timeout.Token))
                    {
                        violations.Enqueue($"Claim {claim.ClaimId} was gone before its holder released it.");
                    }

                    continue;
                }

                // Delete half one by one with the claim id, the rest in one delete-many.
                var singles = claim.Messages.Take(claim.Messages.Count / 2).ToList();
                var many = claim.Messages.Skip(singles.Count).ToList();
                foreach (var message in claim.Messages)
                {
                    held.TryRemove(message.Id, out _);
                    if (!deleted.TryAdd(N(message), message.Id))
                    {
                        violations.Enqueue($"Message {N(message)} was delivered after it was deleted.");
                    }
                }

                foreach (var message in singles)
                {
                    if (!await Engine.DeleteMessageAsync(Project, Queue, message.Id, claim.ClaimId, timeout.Token))
                    {
                        violations.Enqueue($"Message {message.Id} was gone before its holder deleted it.");
                    }
                }

                if (many.Count > 0)
                {
                    var count = await Engine.DeleteMessagesAsync(Project, Queue, many.Select(m => m.Id).ToArray(), timeout.Token);
                    if (count != many.Count)
                    {
                        violations.Enqueue($"Delete-many of {many.Count} held messages found {count}.");
                    }
                }
            }
        }, timeout.Token)).ToArray();

        await WhenAllOrDeadline(workers);

        Assert.Empty(violations);
        Assert.Equal(Enumerable.Range(0, Count), deleted.Keys.Order());
        Assert.True(releases > 0, "The test should exercise releases.");
        var stats = await Engine.GetQueueStatsAsync(Project, Queue);
        Assert.Equal(0, stats.Total);
    }

    [Fact]
    public async Task Claims_expiring_under_contention_hand_each_message_to_one_live_claim_at_a_time()
    {
        // The clock runs while consumers work; some consumers "crash" and let their claims expire. A message may then
        // be claimed again, but never while an earlier claim on it could still be live, and a delete succeeds only
        // with a claim that could still be live.
        const int Count = 200;
        const int ClaimTtl = 60;
        for (var i = 0; i < Count; i += 20)
        {
            await Engine.PostMessagesAsync(Project, Queue, Enumerable.Range(i, 20).Select(n => Msg($"{{\"n\":{n}}}", ttl: 1_209_600)).ToArray(), Poster);
        }

        using var timeout = new CancellationTokenSource(Deadline);
        var clock = Harness.Clock;
        // Message n -> every claim that got it: (claim id, clock before the call, clock after the call).
        var deliveries = new ConcurrentDictionary<int, ConcurrentQueue<(string ClaimId, DateTimeOffset Before, DateTimeOffset After)>>();
        var deleted = new ConcurrentDictionary<int, string>();
        var violations = new ConcurrentQueue<string>();
        var mismatches = 0;

        using var stopClock = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var ticker = Task.Run(async () =>
        {
            while (!stopClock.IsCancellationRequested)
            {
                clock.Advance(TimeSpan.FromSeconds(7));
                await Task.Delay(1, stopClock.Token);
            }
        }, stopClock.Token);

        var consumers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (deleted.Count < Count && !timeout.IsCancellationRequested)
            {
                var before = clock.GetUtcNow();
                var claim = await Engine.ClaimMessagesAsync(Project, Queue, new ClaimOptions(Limit: 1 + random.Next(5), Ttl: ClaimTtl, Grace: 60), timeout.Token);
                var after = clock.GetUtcNow();
                if (claim is null)
                {
                    await Task.Delay(1, timeout.Token);
                    continue;
                }

                foreach (var message in claim.Messages)
                {
                    deliveries.GetOrAdd(N(message), _ => new()).Enqueue((claim.ClaimId, before, after));
                }

                if (random.Next(3) == 0)
                {
                    continue; // Crash: the claim expires on its own.
                }

                foreach (var message in claim.Messages)
                {
                    var deleteStart = clock.GetUtcNow();
                    try
                    {
                        if (await Engine.DeleteMessageAsync(Project, Queue, message.Id, claim.ClaimId, timeout.Token))
                        {
                            if (deleteStart >= after.AddSeconds(ClaimTtl))
                            {
                                violations.Enqueue($"Message {N(message)} was deleted with claim {claim.ClaimId} after that claim had expired.");
                            }

                            if (!deleted.TryAdd(N(message), claim.ClaimId))
                            {
                                violations.Enqueue($"Message {N(message)} was deleted twice.");
                            }
                        }
                        else
                        {
                            violations.Enqueue($"Message {N(message)} vanished before its holder deleted it.");
                        }
                    }
                    catch (QueueException e) when (e.Kind == QueueErrorKind.ClaimMismatch)
                    {
                        // The claim expired meanwhile; someone else may hold the message now.
                        Interlocked.Increment(ref mismatches);
                    }
                }
            }
        }, timeout.Token)).ToArray();

        await WhenAllOrDeadline(consumers);
        await stopClock.CancelAsync();
        await WhenAllOrDeadline([ticker]);

        Assert.Empty(violations);
        Assert.True(deleted.Count == Count, $"Only {deleted.Count} of {Count} messages were consumed before the deadline.");
        foreach (var (n, claims) in deliveries)
        {
            var ordered = claims.OrderBy(c => c.ClaimId, StringComparer.Ordinal).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                // The earlier claim was made no earlier than its "before" and lived ClaimTtl seconds from then.
                Assert.True(
                    ordered[i].After >= ordered[i - 1].Before.AddSeconds(ClaimTtl),
                    $"Message {n} was claimed by {ordered[i].ClaimId} while {ordered[i - 1].ClaimId} was live.");
            }
        }

        Assert.Equal(0, (await Engine.GetQueueStatsAsync(Project, Queue)).Total);
    }

    [Fact]
    public async Task Concurrent_pops_and_claims_never_hand_out_a_message_twice()
    {
        const int Count = 400;
        for (var i = 0; i < Count; i += 20)
        {
            await PostNumberedAsync(Queue, 20, first: i);
        }

        var seen = new ConcurrentDictionary<int, string>();
        var duplicates = new ConcurrentQueue<int>();
        var poppers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while ((await Engine.PopMessagesAsync(Project, Queue, 7)) is { Count: > 0 } popped)
            {
                foreach (var message in popped)
                {
                    if (!seen.TryAdd(N(message), "pop"))
                    {
                        duplicates.Enqueue(N(message));
                    }
                }
            }
        }));
        var claimers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (await Engine.ClaimMessagesAsync(Project, Queue, new ClaimOptions(Limit: 7)) is { } claim)
            {
                foreach (var message in claim.Messages)
                {
                    if (!seen.TryAdd(N(message), claim.ClaimId))
                    {
                        duplicates.Enqueue(N(message));
                    }
                }
            }
        }));
        await Task.WhenAll(poppers.Concat(claimers));

        Assert.Empty(duplicates);
        Assert.Equal(Enumerable.Range(0, Count), seen.Keys.Order());
        var claimedCount = seen.Values.Count(v => v != "pop");
        var stats = await Engine.GetQueueStatsAsync(Project, Queue);
        Assert.Equal(((long)claimedCount, 0L), (stats.Claimed, stats.Free));
    }

    [Fact]
    public async Task Concurrent_metadata_patches_lose_no_update()
    {
        await Engine.CreateQueueAsync(Project, Queue);
        var patchers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            await Engine.PatchQueueMetadataAsync(Project, Queue, [new MetadataPatchOperation(MetadataPatchOp.Add, $"k{i}", Utf8($"{i}"))])));
        await Task.WhenAll(patchers);

        var metadata = Json(await Engine.GetQueueMetadataAsync(Project, Queue));
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(i, metadata.GetProperty($"k{i}").GetInt32());
        }
    }

    [Fact]
    public async Task Concurrent_posts_to_many_queues_and_projects_stay_apart()
    {
        var stopwatch = Stopwatch.StartNew();
        var expected = new ConcurrentDictionary<(string Project, string Queue), ConcurrentQueue<string>>();
        var posters = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var project = t % 2 == 0 ? Project : OtherProject;
            var queue = $"q{t / 2}";
            var list = expected.GetOrAdd((project, queue), _ => new ConcurrentQueue<string>());
            for (var i = 0; i < 30; i++)
            {
                foreach (var id in await Engine.PostMessagesAsync(project, queue, [Msg($"{{\"n\":{i}}}")], Guid.NewGuid()))
                {
                    list.Enqueue(id);
                }
            }
        }));
        await Task.WhenAll(posters);
        Assert.True(stopwatch.Elapsed < Deadline, $"Posting took {stopwatch.Elapsed}.");

        foreach (var ((project, queue), ids) in expected)
        {
            Assert.Equal(ids, await AllIdsAsync(queue, project));
        }

        Assert.Equal(4, (await Engine.ListQueuesAsync(Project, new QueueListOptions { WithCount = true })).Count);
        Assert.Equal(4, (await Engine.ListQueuesAsync(OtherProject, new QueueListOptions { WithCount = true })).Count);
    }

    [Fact]
    public async Task Cancellation_does_not_wedge_the_store()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        try
        {
            await Engine.PostMessagesAsync(Project, Queue, [Msg("1")], Poster, cancellationToken: cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            // Either outcome is fine; the store must keep working.
        }
        catch (QueueException)
        {
        }

        var ids = await PostAsync(Queue, "2");
        Assert.Contains(ids[0], await AllIdsAsync(Queue));
    }
}
