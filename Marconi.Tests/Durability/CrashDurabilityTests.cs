using System.Globalization;
using Marconi.Core;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;
using Xunit.Abstractions;

namespace Marconi.Tests.Durability;

/// <summary>
/// Crash durability with real processes: a child process (Marconi.Tests.CrashChild) writes batches from several
/// concurrent producers and reports each acknowledged id; the test kills it with SIGKILL at a random point, several
/// rounds on the same directory, and after each round reopens the store in-process and checks that every acknowledged
/// message is present, intact and in order, that acknowledged deletes stay deleted and that nothing torn appears.
/// </summary>
public sealed class CrashDurabilityTests(ITestOutputHelper output)
{
    private const string Project = "crash";
    private const int Producers = 4;
    private const int Rounds = 7;

    /// <summary>The round whose kill comes at a random time after the process starts, so possibly during recovery.</summary>
    private const int EarlyKillRound = 3;

    /// <summary>How often the child compacts explicitly, on top of the store's own maintenance.</summary>
    private const int CompactEveryMs = 300;

    private static readonly string[] Queues = ["crash-0", "crash-1"];
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    // Small pages and segments, so a few rounds of traffic span several segment files and page flushes.
    // Frequent maintenance and checkpoints, and explicit compactions in the child, so kills also land in the middle of
    // relocation, checkpoint writing and truncation.
    private static readonly FasterQueueStoreOptions Options = new()
    {
        PageSizeBits = 16,
        MemorySizeBits = 18,
        SegmentSizeBits = 18,
        MaintenanceInterval = TimeSpan.FromMilliseconds(100),
        CheckpointInterval = TimeSpan.FromMilliseconds(250),
    };


    [Fact]
    public async Task Acknowledged_changes_survive_repeated_sigkill()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed}; child {CrashChildProcess.ChildPath}");
        using var directory = new TempDirectory("crash");
        var ledger = new Ledger();

        for (var round = 0; round < Rounds; round++)
        {
            var childSeed = random.Next();
            string[] arguments =
            [
                directory.Path, childSeed.ToString(CultureInfo.InvariantCulture),
                "--round", round.ToString(CultureInfo.InvariantCulture),
                "--producers", Producers.ToString(CultureInfo.InvariantCulture),
                "--page-bits", Options.PageSizeBits.ToString(CultureInfo.InvariantCulture),
                "--memory-bits", Options.MemorySizeBits.ToString(CultureInfo.InvariantCulture),
                "--segment-bits", Options.SegmentSizeBits.ToString(CultureInfo.InvariantCulture),
                "--maintenance-ms", ((int)Options.MaintenanceInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                "--checkpoint-ms", ((int)Options.CheckpointInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                "--compact-ms", CompactEveryMs.ToString(CultureInfo.InvariantCulture),
                "--max-seconds", "60",
            ];

            await using (var child = CrashChildProcess.Start(arguments))
            {
                int delayMs;
                if (round == EarlyKillRound)
                {
                    delayMs = random.Next(50, 600);
                    await Task.Delay(delayMs);
                }
                else
                {
                    var ready = await Task.WhenAny(child.Ready, Task.Delay(ReadyTimeout));
                    if (ready != child.Ready)
                    {
                        Assert.Fail($"Round {round}: the child did not open the store within {ReadyTimeout} (exited: {child.HasExited}). Stderr:\n{child.Stderr}");
                    }

                    delayMs = random.Next(200, 1500);
                    await Task.Delay(delayMs);
                }

                if (child.HasExited)
                {
                    await child.WaitForExitAsync(ExitTimeout);
                    Assert.Fail($"Round {round}: the child ended on its own (exit code {child.ExitCode}) before the kill. Stderr:\n{child.Stderr}");
                }

                await child.KillAsync(ExitTimeout);
                var lines = child.Lines;
                var before = ledger.AcknowledgedPosts;
                ledger.Add(round, lines);
                output.WriteLine(
                    $"round {round}: killed pid {child.Id} {delayMs} ms after {(round == EarlyKillRound ? "start" : "READY")}; " +
                    $"{lines.FirstOrDefault(l => l.StartsWith("READY", StringComparison.Ordinal)) ?? "no READY"}; " +
                    $"{ledger.AcknowledgedPosts - before} posts acknowledged this round, {ledger.AcknowledgedPosts} in all, {ledger.AcknowledgedDeletes} deletes");
                if (child.Stderr.Length > 0)
                {
                    output.WriteLine($"round {round} child stderr:\n{child.Stderr}");
                }
            }

            await VerifyAsync(directory.Path, round, ledger);
        }

        Assert.True(ledger.AcknowledgedPosts > 0, "No post was acknowledged in any round: the test proved nothing.");
    }

    private async Task VerifyAsync(string directory, int round, Ledger ledger)
    {
        FasterQueueStore store;
        try
        {
            store = await FasterQueueStore.OpenAsync(directory, Options);
        }
        catch (Exception exception)
        {
            Assert.Fail($"Round {round}: reopening the store after SIGKILL threw: {exception}");
            throw;
        }

        await using (store)
        {
            var recovery = store.Recovery;
            output.WriteLine(
                $"round {round} reopen: replayed {recovery.RecordsReplayed}, dropped {recovery.RecordsDropped} records / {recovery.BytesDropped} bytes, " +
                $"checkpoint {recovery.CheckpointLoaded}, {recovery.Duration.TotalMilliseconds:F0} ms; problems: {string.Join(" | ", recovery.Problems)}");

            var engine = new QueueEngine(store);
            var errors = new List<string>();
            var present = new HashSet<string>(StringComparer.Ordinal);
            var batches = new Dictionary<(int Round, int Producer, long BatchStart), (int Count, int Expected, string Queue)>();
            foreach (var queue in Queues)
            {
                var messages = await MessageScan.ListAllAsync(engine, Project, queue);
                var lastByProducer = new Dictionary<int, (int Round, long N, string Id)>();
                var keys = new HashSet<(int, int, long)>();
                foreach (var message in messages)
                {
                    if (!present.Add(message.Id))
                    {
                        errors.Add($"{queue}: message {message.Id} listed twice");
                        continue;
                    }

                    if (!CheckedBody.TryParse(message.Body.Span, out var body, out var problem))
                    {
                        errors.Add($"{queue}: message {message.Id} is torn ({problem}): {CheckedBody.Describe(message.Body.Span)}");
                        continue;
                    }

                    if (ledger.Posts.TryGetValue(message.Id, out var posted) && (posted.Queue != queue || posted.Round != body.Round || posted.Producer != body.Producer || posted.N != body.N))
                    {
                        errors.Add($"{queue}: message {message.Id} was acknowledged as {posted} but holds r={body.Round} p={body.Producer} n={body.N}");
                    }

                    if (ledger.Deleted.Contains(message.Id))
                    {
                        errors.Add($"{queue}: message {message.Id} (r={body.Round} p={body.Producer} n={body.N}) is back although its delete was acknowledged");
                    }

                    if (QueueOfProducer(body.Producer) != queue)
                    {
                        errors.Add($"{queue}: message {message.Id} of producer {body.Producer} is in the wrong queue");
                    }

                    if (!keys.Add((body.Round, body.Producer, body.N)))
                    {
                        errors.Add($"{queue}: r={body.Round} p={body.Producer} n={body.N} appears twice (second id {message.Id})");
                    }

                    if (lastByProducer.TryGetValue(body.Producer, out var last) && (last.Round, last.N).CompareTo((body.Round, body.N)) >= 0)
                    {
                        errors.Add($"{queue}: producer {body.Producer} out of order: r={last.Round} n={last.N} ({last.Id}) listed before r={body.Round} n={body.N} ({message.Id})");
                    }

                    lastByProducer[body.Producer] = (body.Round, body.N, message.Id);
                    var batchKey = (body.Round, body.Producer, body.BatchStart);
                    batches[batchKey] = batches.TryGetValue(batchKey, out var seen)
                        ? (seen.Count + 1, body.BatchCount, queue)
                        : (1, body.BatchCount, queue);
                }

                var stats = await engine.GetQueueStatsAsync(Project, queue);
                if (stats.Total != messages.Count)
                {
                    errors.Add($"{queue}: stats count {stats.Total} live messages but the listing returned {messages.Count}");
                }

                // Reading by id must agree with the listing.
                var sample = messages.Where(m => ledger.Posts.ContainsKey(m.Id)).TakeLast(engine.Limits.MaxIdsPerRequest).ToList();
                if (sample.Count > 0)
                {
                    var byId = await engine.GetMessagesAsync(Project, queue, sample.Select(m => m.Id).ToList());
                    if (byId.Count != sample.Count || !byId.Zip(sample).All(pair => pair.First.Id == pair.Second.Id && pair.First.Body.Span.SequenceEqual(pair.Second.Body.Span)))
                    {
                        errors.Add($"{queue}: reading {sample.Count} listed messages by id returned {byId.Count} that do not match the listing");
                    }
                }
            }

            foreach (var (id, posted) in ledger.Posts)
            {
                if (!present.Contains(id) && !ledger.DeleteRequested.Contains(id))
                {
                    errors.Add($"acknowledged post {id} ({posted}) is missing and was never deleted");
                }
            }

            // A batch is atomic: one nobody acknowledged (so nobody deleted from) is there whole or not at all.
            foreach (var ((batchRound, producer, batchStart), (count, expected, queue)) in batches)
            {
                if (count != expected && !ledger.HasAcknowledgedMessage(batchRound, producer, batchStart, expected))
                {
                    errors.Add($"{queue}: torn batch r={batchRound} p={producer} starting at n={batchStart}: {count} of {expected} messages present and none acknowledged");
                }
            }

            var live = ledger.Posts.Keys.Count(id => !ledger.DeleteRequested.Contains(id));
            output.WriteLine($"round {round} verify: {present.Count} messages listed, {live} acknowledged and never deleted, {errors.Count} problems");
            if (errors.Count > 0)
            {
                Assert.Fail(
                    $"Round {round}: {errors.Count} durability violations after SIGKILL and reopen (recovery: replayed {recovery.RecordsReplayed}, " +
                    $"dropped {recovery.RecordsDropped}, problems: {string.Join(" | ", recovery.Problems)}):\n" +
                    string.Join("\n", errors.Take(25)));
            }
        }
    }

    /// <summary>The queue the child's producer writes to (Program.QueueOf in the child).</summary>
    private static string QueueOfProducer(int producer) => Queues[producer % 2];

    /// <summary>What the children acknowledged, over all rounds.</summary>
    private sealed class Ledger
    {
        public Dictionary<string, PostedMessage> Posts { get; } = new(StringComparer.Ordinal);

        /// <summary>Messages a delete was sent for (it may not have landed if no DEL line followed).</summary>
        public HashSet<string> DeleteRequested { get; } = new(StringComparer.Ordinal);

        /// <summary>Messages whose delete was acknowledged.</summary>
        public HashSet<string> Deleted { get; } = new(StringComparer.Ordinal);

        private HashSet<(int Round, int Producer, long N)> PostedKeys { get; } = [];

        public int AcknowledgedPosts => Posts.Count;

        public int AcknowledgedDeletes => Deleted.Count;

        public bool HasAcknowledgedMessage(int round, int producer, long batchStart, int count)
        {
            for (var n = batchStart; n < batchStart + count; n++)
            {
                if (PostedKeys.Contains((round, producer, n)))
                {
                    return true;
                }
            }

            return false;
        }

        public void Add(int round, IReadOnlyList<string> lines)
        {
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "POST" when parts.Length == 6:
                        var posted = new PostedMessage(
                            parts[1],
                            int.Parse(parts[3], CultureInfo.InvariantCulture),
                            int.Parse(parts[4], CultureInfo.InvariantCulture),
                            long.Parse(parts[5], CultureInfo.InvariantCulture));
                        Assert.True(posted.Round == round, $"Child of round {round} reported a post of round {posted.Round}: {line}");
                        Assert.True(Posts.TryAdd(parts[2], posted), $"Id {parts[2]} was acknowledged twice: {line}");
                        PostedKeys.Add((posted.Round, posted.Producer, posted.N));
                        break;
                    case "DELREQ" when parts.Length == 3:
                        Assert.True(Posts.ContainsKey(parts[2]), $"The child deletes {parts[2]}, which it never reported posting: {line}");
                        DeleteRequested.Add(parts[2]);
                        break;
                    case "DEL" when parts.Length == 3:
                        Assert.True(DeleteRequested.Contains(parts[2]), $"The child reports a delete it did not announce: {line}");
                        Deleted.Add(parts[2]);
                        break;
                    case "READY" or "DONE":
                        break;
                    default:
                        Assert.Fail($"Unexpected line from the crash child: {Truncate(line)}");
                        break;
                }
            }
        }

        private static string Truncate(string line) => line.Length > 200 ? line[..200] + "..." : line;
    }

    private sealed record PostedMessage(string Queue, int Round, int Producer, long N)
    {
        public override string ToString() => $"{Queue} r={Round} p={Producer} n={N}";
    }
}
