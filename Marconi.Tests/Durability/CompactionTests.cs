using System.Collections.Concurrent;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;
using Xunit.Abstractions;

namespace Marconi.Tests.Durability;

/// <summary>
/// Compaction: a long produce/consume run leaves the log's size bounded, also when one old message stays live the whole
/// time (compaction must relocate it, and it must stay readable, intact, before and after a reopen).
/// </summary>
/// <remarks>
/// The run is bounded by the bytes it writes (at least <see cref="TargetSegments"/> segments of log), not by time, so a
/// slow machine makes it longer, never flaky; <see cref="RunLimit"/> only stops a hung run.
/// </remarks>
public sealed class CompactionTests(ITestOutputHelper output)
{
    private const string Project = "compact";
    private const string Traffic = "traffic";
    private const string Keeper = "keeper";
    private const int PageSizeBits = 16;
    private const int SegmentSizeBits = 18;
    private const long SegmentSize = 1L << SegmentSizeBits;
    private const int TargetSegments = 40;
    private const int MinimumSegments = 20;
    private const int BatchSize = 10;
    private const int MaxBacklog = 200;
    private const int CompactEveryBatches = 100;

    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private static readonly Guid Producer = Guid.Parse("33333333-3333-3333-3333-333333333333");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Long_produce_consume_run_keeps_the_log_bounded(bool keepOneOldMessage)
    {
        using var directory = new TempDirectory("compact");
        var options = new FasterQueueStoreOptions
        {
            PageSizeBits = PageSizeBits,
            MemorySizeBits = PageSizeBits + 2,
            SegmentSizeBits = SegmentSizeBits,
            MaintenanceInterval = TimeSpan.FromMilliseconds(50),
            CheckpointInterval = TimeSpan.FromMilliseconds(200),
            CheckpointLogBytes = 2 * SegmentSize,
        };
        var random = new Random(42);
        var posted = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        var deleted = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        string? keeperId = null;
        byte[]? keeperBody = null;
        long keeperEnd = 0, written;

        await using (var store = await FasterQueueStore.OpenAsync(directory.Path, options))
        {
            var engine = new QueueEngine(store);
            if (keepOneOldMessage)
            {
                keeperBody = CheckedBody.Create(0, 9, 0, 0, 1, 300, random);
                keeperId = (await engine.PostMessagesAsync(Project, Keeper, [new NewMessage(keeperBody, Ttl: 1_209_600)], Producer))[0];
                keeperEnd = store.GetStatistics().LogTailAddress;
            }

            await engine.CreateQueueAsync(Project, Traffic);
            var startTail = store.GetStatistics().LogTailAddress;
            var target = startTail + (TargetSegments * SegmentSize);
            using var slots = new SemaphoreSlim(MaxBacklog, MaxBacklog);
            using var limit = new CancellationTokenSource(RunLimit);
            var producerDone = 0;
            long maxLogSize = 0, maxDiskBytes = 0;
            var compactions = 0;

            var producer = Task.Run(async () =>
            {
                try
                {
                    long n = 0;
                    var batches = 0;
                    while (store.GetStatistics().LogTailAddress < target && !limit.IsCancellationRequested)
                    {
                        for (var i = 0; i < BatchSize; i++)
                        {
                            await slots.WaitAsync(limit.Token);
                        }

                        var bodies = Enumerable.Range(0, BatchSize).Select(i => CheckedBody.Create(1, 0, n + i, n, BatchSize, 900, random)).ToArray();
                        var durability = batches % 2 == 0 ? WriteDurability.Durable : WriteDurability.Relaxed;
                        var ids = await engine.PostMessagesAsync(Project, Traffic, bodies.Select(b => new NewMessage(b)).ToArray(), Producer, durability);
                        for (var i = 0; i < ids.Count; i++)
                        {
                            posted[ids[i]] = bodies[i];
                        }

                        n += BatchSize;
                        if (++batches % CompactEveryBatches == 0)
                        {
                            await store.CompactAsync();
                            compactions++;
                            var stats = store.GetStatistics();
                            maxLogSize = Math.Max(maxLogSize, stats.LogSizeBytes);
                            maxDiskBytes = Math.Max(maxDiskBytes, stats.DiskBytes);
                        }
                    }
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    // The run limit; the assertions below report it.
                }
                finally
                {
                    Volatile.Write(ref producerDone, 1);
                }
            });

            var consumer = Task.Run(async () =>
            {
                // Stops with the producer, leaving its backlog live: the reopen below checks those messages too.
                var round = 0;
                while (!limit.IsCancellationRequested && Volatile.Read(ref producerDone) == 0)
                {
                    var claim = await engine.ClaimMessagesAsync(Project, Traffic, new ClaimOptions(Limit: 20, Ttl: 60, Grace: 60));
                    if (claim is null)
                    {
                        await Task.Delay(1);
                        continue;
                    }

                    foreach (var message in claim.Messages)
                    {
                        // A message can be claimed before its producer, back from the post, has recorded its id.
                        var known = SpinWait.SpinUntil(() => posted.ContainsKey(message.Id), TimeSpan.FromSeconds(10));
                        Assert.True(known, $"Claimed message {message.Id} was never reported posted.");
                        Assert.True(message.Body.Span.SequenceEqual(posted[message.Id]), $"Claimed message {message.Id} is not what was posted.");
                    }

                    var ids = claim.Messages.Select(m => m.Id).ToList();
                    if (round++ % 3 == 0)
                    {
                        foreach (var id in ids)
                        {
                            Assert.True(await engine.DeleteMessageAsync(Project, Traffic, id, claim.ClaimId), $"Deleting claimed message {id} with its claim found nothing.");
                        }
                    }
                    else
                    {
                        Assert.Equal(ids.Count, await engine.DeleteMessagesAsync(Project, Traffic, ids));
                    }

                    foreach (var id in ids)
                    {
                        deleted[id] = true;
                    }

                    slots.Release(ids.Count);
                }
            });

            await Task.WhenAll(producer, consumer).WaitAsync(RunLimit + TimeSpan.FromSeconds(30));

            // Two compactions in a row: the second may truncate up to the first's checkpoint.
            await store.CompactAsync();
            await store.CompactAsync();
            var final = store.GetStatistics();
            written = final.LogTailAddress - startTail;
            output.WriteLine(
                $"wrote {written} log bytes ({written / (double)SegmentSize:F1} segments) in {posted.Count} messages, {deleted.Count} consumed, {compactions} explicit compactions; " +
                $"during the run log size peaked at {maxLogSize} and disk at {maxDiskBytes} (sampled after compactions); final {final}");
            Assert.True(written >= MinimumSegments * SegmentSize, $"The run wrote only {written} bytes of log ({MinimumSegments} segments needed) within {RunLimit}: too little to judge compaction.");
            Assert.True(final.LogSizeBytes < written / 4, $"The log spans {final.LogSizeBytes} bytes after compaction, not below a quarter of the {written} bytes written. {final}");

            if (keepOneOldMessage)
            {
                Assert.True(final.LogBeginAddress > keeperEnd, $"The log still begins at {final.LogBeginAddress}, before the old message's record (which ends at {keeperEnd}): it was not relocated.");
                var keeper = await engine.GetMessageAsync(Project, Keeper, keeperId!);
                Assert.True(keeper.Body.Span.SequenceEqual(keeperBody), "The old message's body changed when compaction relocated it.");
            }
        }

        // After a reopen: the files are small, the old message is intact, and the traffic queue is exactly what is left.
        await using (var store = await FasterQueueStore.OpenAsync(directory.Path, options))
        {
            var stats = store.GetStatistics();
            var recovery = $"recovery: checkpoint {store.Recovery.CheckpointLoaded}, replayed {store.Recovery.RecordsReplayed}, dropped {store.Recovery.RecordsDropped}, " +
                $"{stats.QueueCount} queues, problems [{string.Join(" | ", store.Recovery.Problems)}]";
            output.WriteLine($"reopened: {stats}; files: {LogFiles.Describe(directory.Path)}; {recovery}");
            Assert.True(stats.DiskBytes < written / 4, $"The store's files take {stats.DiskBytes} bytes after compaction and reopen, not below a quarter of the {written} bytes written: {LogFiles.Describe(directory.Path)}");

            var engine = new QueueEngine(store);
            if (keepOneOldMessage)
            {
                var keeper = await engine.GetMessagesAsync(Project, Keeper, [keeperId!]);
                Assert.True(keeper.Count == 1, $"The old message that compaction relocated is gone after reopen; {recovery}");
                Assert.True(keeper[0].Body.Span.SequenceEqual(keeperBody), "The old message's body changed after compaction and reopen.");
            }

            Assert.True(await engine.QueueExistsAsync(Project, Traffic), $"The traffic queue is gone after compaction and reopen; {recovery}");
            var listed = await MessageScan.ListAllAsync(engine, Project, Traffic);
            var expected = posted.Keys.Where(id => !deleted.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
            var resurrected = listed.Where(m => deleted.ContainsKey(m.Id)).Select(m => m.Id).ToList();
            Assert.True(resurrected.Count == 0, $"{resurrected.Count} consumed messages are back after compaction and reopen, e.g. {string.Join(", ", resurrected.Take(5))}; {recovery}");
            Assert.True(expected.SequenceEqual(listed.Select(m => m.Id)), $"After compaction and reopen the traffic queue lists {listed.Count} messages; {expected.Count} were posted and not consumed; {recovery}");
            foreach (var message in listed)
            {
                Assert.True(message.Body.Span.SequenceEqual(posted[message.Id]), $"Message {message.Id} has another body after compaction and reopen.");
            }

            // Nothing was damaged: a clean shutdown must reopen without any problem (an unusable checkpoint is one).
            Assert.True(store.Recovery.Problems.Count == 0, $"Reopening a cleanly closed store reported problems; {recovery}");
        }
    }
}
