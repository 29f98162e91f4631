using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Marconi.Tests.Durability;

/// <summary>
/// Corruption: bytes are cut and flipped at the log's tail and in the middle of an old segment; the store must reopen,
/// keep everything it can prove intact, report what it dropped, never crash, and keep working afterwards.
/// </summary>
public sealed class CorruptionTests(ITestOutputHelper output)
{
    private const string Project = "corrupt";
    private const string Queue = "damaged";
    private const int PageSizeBits = 16;
    private const int SegmentSizeBits = 18;
    private const int SegmentSize = 1 << SegmentSizeBits;

    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(60);

    public enum Damage
    {
        /// <summary>Bytes inverted in the middle of the last record.</summary>
        FlipLastRecord,

        /// <summary>Bytes inverted in a record in the middle of the first segment; recovery replays it.</summary>
        FlipMiddleOfFirstSegment,

        /// <summary>Bytes inverted in a record in the middle of the first segment that an index checkpoint already covers.</summary>
        FlipMiddleOfFirstSegmentAfterCheckpoint,

        /// <summary>The last segment file cut in the middle of the last record.</summary>
        CutLastRecord,

        /// <summary>The last segment file cut to half of what it holds.</summary>
        CutLastSegmentInHalf,

        /// <summary>The last segment file cut to nothing.</summary>
        EmptyLastSegment,
    }

    [Theory]
    [InlineData(Damage.FlipLastRecord)]
    [InlineData(Damage.FlipMiddleOfFirstSegment)]
    [InlineData(Damage.FlipMiddleOfFirstSegmentAfterCheckpoint)]
    [InlineData(Damage.CutLastRecord)]
    [InlineData(Damage.CutLastSegmentInHalf)]
    [InlineData(Damage.EmptyLastSegment)]
    public async Task Store_reopens_after_damage_keeps_what_is_intact_and_reports_the_rest(Damage damage)
    {
        using var directory = new TempDirectory("corrupt");
        var logs = new CapturingLoggerFactory();
        var options = new FasterQueueStoreOptions
        {
            PageSizeBits = PageSizeBits,
            MemorySizeBits = PageSizeBits + 2,
            SegmentSizeBits = SegmentSizeBits,

            // No background checkpoint or relocation: the test decides what recovery has to replay.
            MaintenanceInterval = TimeSpan.FromHours(1),
            CheckpointInterval = TimeSpan.FromHours(1),
            CheckpointLogBytes = long.MaxValue / 4,
        };
        var withCheckpoint = damage == Damage.FlipMiddleOfFirstSegmentAfterCheckpoint;

        // Batches of 20 small messages: one damaged record then holds a whole listing page.
        var batchSize = withCheckpoint ? 20 : 8;
        var batches = new List<WrittenBatch>();
        var random = new Random(1234 + (int)damage);
        await using (var store = await OpenAsync(directory.Path, options, logs))
        {
            var engine = new QueueEngine(store);
            await engine.CreateQueueAsync(Project, Queue);
            while (store.GetStatistics().LogTailAddress < (4L * SegmentSize) + (SegmentSize / 2))
            {
                var index = batches.Count;
                var bodies = Enumerable.Range(0, batchSize)
                    .Select(i => CheckedBody.Create(0, 0, ((long)index * batchSize) + i, (long)index * batchSize, batchSize, random.Next(100, 400), random))
                    .ToArray();
                var start = store.GetStatistics().LogTailAddress;
                var ids = await engine.PostMessagesAsync(Project, Queue, bodies.Select(b => new NewMessage(b)).ToArray(), MessageScan.Auditor, WriteDurability.Relaxed);
                var end = store.GetStatistics().LogTailAddress;
                batches.Add(new WrittenBatch(index, ids, bodies, start, end));
            }

            // One durable write commits everything before it.
            await engine.CreateQueueAsync(Project, "sync");
            await engine.PostMessagesAsync(Project, "sync", [new NewMessage("{}"u8.ToArray())], MessageScan.Auditor);
            if (withCheckpoint)
            {
                await store.CheckpointAsync();
            }

            output.WriteLine($"{batches.Count} batches of {batchSize}; log {store.GetStatistics()}");
        }

        output.WriteLine($"files: {LogFiles.Describe(directory.Path)}");
        var files = LogFiles.Find(directory.Path, SegmentSizeBits);
        var tail = batches[^1].End;
        var lastSegmentStart = ((tail - 1) >> SegmentSizeBits) << SegmentSizeBits;
        Assert.True(files.Segments.Count >= 4, $"Expected several segment files, found {files.Segments.Count}: {LogFiles.Describe(directory.Path)}");

        // Where the damage starts: every batch ending at or before it must survive.
        long damageAt;
        switch (damage)
        {
            case Damage.FlipLastRecord:
                damageAt = Middle(batches[^1]);
                files.Flip(damageAt, 8);
                break;
            case Damage.FlipMiddleOfFirstSegment:
            case Damage.FlipMiddleOfFirstSegmentAfterCheckpoint:
                var victim = batches.First(b => b.Start >= SegmentSize / 2 && b.Start >> PageSizeBits == (b.End - 1) >> PageSizeBits);
                Assert.True(victim.End < SegmentSize, "The chosen record must lie in the first segment.");
                damageAt = Middle(victim);
                files.Flip(damageAt, 8);
                output.WriteLine($"flipped 8 bytes at {damageAt} inside batch {victim.Index} [{victim.Start}, {victim.End})");
                break;
            case Damage.CutLastRecord:
                damageAt = Middle(batches[^1]);
                files.CutAt(damageAt);
                break;
            case Damage.CutLastSegmentInHalf:
                damageAt = lastSegmentStart + ((tail - lastSegmentStart) / 2);
                files.CutAt(damageAt);
                break;
            case Damage.EmptyLastSegment:
                damageAt = lastSegmentStart;
                files.CutAt(damageAt);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage));
        }

        output.WriteLine($"damage at address {damageAt} (segment {damageAt >> SegmentSizeBits}, offset {damageAt & (SegmentSize - 1)}); files now: {LogFiles.Describe(directory.Path)}");
        var mustSurvive = batches.Where(b => b.End <= damageAt).ToList();
        Assert.True(mustSurvive.Count > 0, "The damage must leave some batches before it.");

        // Reopen: no exception, nothing served that is not exactly what was posted, nothing lost silently.
        logs.Clear();
        HashSet<string> survivors;
        var extra = new NewMessage[] { new(CheckedBody.Create(1, 0, 0, 0, 2, 50, random)), new(CheckedBody.Create(1, 0, 1, 0, 2, 50, random)) };
        IReadOnlyList<string> extraIds;
        await using (var store = await OpenAsync(directory.Path, options, logs))
        {
            var recovery = store.Recovery;
            var problems = Describe(recovery);
            output.WriteLine($"reopened: {problems}");
            foreach (var entry in logs.AtLeast(LogLevel.Warning))
            {
                output.WriteLine($"log: {entry}");
            }

            var engine = new QueueEngine(store);
            survivors = await CheckListingAsync(engine, batches, problems);
            foreach (var batch in mustSurvive)
            {
                var missing = batch.Ids.Where(id => !survivors.Contains(id)).ToList();
                Assert.True(missing.Count == 0, $"Batch {batch.Index} [{batch.Start}, {batch.End}) lies wholly before the damage at {damageAt} but {missing.Count} of its messages are gone. {problems}");
            }

            var lost = batches.Sum(b => b.Ids.Count(id => !survivors.Contains(id)));
            var reported = recovery.RecordsDropped > 0 || recovery.Problems.Count > 0;
            var logged = logs.AtLeast(LogLevel.Warning).Count > 0;
            output.WriteLine($"{survivors.Count} of {batches.Count * batchSize} messages kept, {lost} lost; reported {reported}, logged {logged}");
            if (withCheckpoint)
            {
                // Recovery does not read a record the checkpoint covers; the damage shows when its bodies are read.
                Assert.True(lost == 0 || reported || logged, $"{lost} messages are gone but neither the recovery report nor the log says so. {problems}");
            }
            else if (damage == Damage.EmptyLastSegment && !reported)
            {
                // A known blind spot: when the last commit record left ends exactly where the emptied segment began,
                // nothing on disk says the log ever went further (FASTER writes commit metadata outside the log only
                // every 1000 commits), so recovery cannot tell this loss from a log that ended there. Seen in about
                // 1 of 8 runs. The loss must then be confined to the emptied segment, which mustSurvive checked above.
                output.WriteLine($"unreported: the surviving log ends at a commit record at the segment boundary {damageAt}; {lost} messages of the emptied segment lost");
            }
            else
            {
                Assert.True(reported, $"Recovery replayed a damaged log but reports no dropped record and no problem ({lost} messages lost). {problems}");
            }

            // Still writable, and what is written now survives the next reopen.
            extraIds = await engine.PostMessagesAsync(Project, Queue, extra, MessageScan.Auditor);
        }

        await using (var store = await OpenAsync(directory.Path, options, logs))
        {
            var engine = new QueueEngine(store);
            var expected = batches.Append(new WrittenBatch(batches.Count, extraIds, extra.Select(m => m.Body.ToArray()).ToArray(), 0, 0)).ToList();
            var again = await CheckListingAsync(engine, expected, Describe(store.Recovery));
            Assert.True(extraIds.All(again.Contains), $"Messages posted (durably) after recovering from the damage are gone after the next reopen. {Describe(store.Recovery)}");
            var vanished = survivors.Where(id => !again.Contains(id)).ToList();
            Assert.True(vanished.Count == 0, $"{vanished.Count} messages served after the first recovery are gone after the second. {Describe(store.Recovery)}");
        }
    }

    /// <summary>
    /// Lists the queue and checks every message is one that was posted, byte for byte, in posting order, listed once.
    /// Returns the ids listed.
    /// </summary>
    private static async Task<HashSet<string>> CheckListingAsync(QueueEngine engine, List<WrittenBatch> batches, string context)
    {
        var posted = new Dictionary<string, (int Order, byte[] Body)>(StringComparer.Ordinal);
        var order = 0;
        foreach (var batch in batches)
        {
            for (var i = 0; i < batch.Ids.Count; i++)
            {
                posted[batch.Ids[i]] = (order++, batch.Bodies[i]);
            }
        }

        List<QueuedMessage> listed;
        try
        {
            listed = await MessageScan.ListAllAsync(engine, Project, Queue);
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"Listing the damaged queue threw: {exception}. {context}");
            throw;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var last = -1;
        foreach (var message in listed)
        {
            Assert.True(seen.Add(message.Id), $"Message {message.Id} is listed twice. {context}");
            Assert.True(CheckedBody.TryParse(message.Body.Span, out _, out var problem), $"Message {message.Id} is served damaged ({problem}): {CheckedBody.Describe(message.Body.Span)}. {context}");
            Assert.True(posted.TryGetValue(message.Id, out var original), $"Message {message.Id} was never posted. {context}");
            Assert.True(message.Body.Span.SequenceEqual(original.Body), $"Message {message.Id} is served with another body than posted. {context}");
            Assert.True(original.Order > last, $"Message {message.Id} is listed out of posting order. {context}");
            last = original.Order;
        }

        // Reading by id must agree: intact or absent, never damaged.
        foreach (var chunk in posted.Keys.Chunk(engine.Limits.MaxIdsPerRequest))
        {
            var found = await engine.GetMessagesAsync(Project, Queue, chunk);
            foreach (var message in found)
            {
                Assert.True(message.Body.Span.SequenceEqual(posted[message.Id].Body), $"Message {message.Id} read by id is damaged. {context}");
                Assert.True(seen.Contains(message.Id), $"Message {message.Id} can be read by id but the listing skipped it. {context}");
            }
        }

        return seen;
    }

    private static async Task<FasterQueueStore> OpenAsync(string directory, FasterQueueStoreOptions options, ILoggerFactory logs)
    {
        try
        {
            return await FasterQueueStore.OpenAsync(directory, options, logs).AsTask().WaitAsync(OpenTimeout);
        }
        catch (Exception exception)
        {
            Assert.Fail($"Opening the store threw or hung: {exception}\nfiles: {LogFiles.Describe(directory)}");
            throw;
        }
    }

    private static long Middle(WrittenBatch batch) => (batch.Start + batch.End) / 2;

    private static string Describe(RecoveryReport recovery) =>
        $"Recovery: checkpoint {recovery.CheckpointLoaded}, replayed {recovery.RecordsReplayed}, dropped {recovery.RecordsDropped} records / {recovery.BytesDropped} bytes, " +
        $"problems [{string.Join(" | ", recovery.Problems)}]";

    private sealed record WrittenBatch(int Index, IReadOnlyList<string> Ids, byte[][] Bodies, long Start, long End);
}
