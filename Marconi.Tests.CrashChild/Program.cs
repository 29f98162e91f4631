using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;

namespace Marconi.Tests.CrashChild;

/// <summary>
/// The crash child: opens a store, then producers post batches and delete some of their earlier messages, reporting
/// each acknowledged change on stdout, until the parent test kills the process.
/// </summary>
/// <remarks>
/// <para>Usage: <c>Marconi.Tests.CrashChild &lt;data-dir&gt; &lt;seed&gt; [--round N] [--producers N] [--page-bits N]
/// [--memory-bits N] [--segment-bits N] [--maintenance-ms N] [--checkpoint-ms N] [--compact-ms N] [--keep-live N]
/// [--max-seconds N]</c>.</para>
/// <para>Stdout protocol, one line per fact, each written with a single write and flushed before the next call:</para>
/// <list type="bullet">
/// <item><c>READY &lt;replayed&gt; &lt;dropped&gt; &lt;checkpoint&gt;</c>: the store is open.</item>
/// <item><c>POST &lt;queue&gt; &lt;id&gt; &lt;round&gt; &lt;producer&gt; &lt;n&gt;</c>: the post holding message n was acknowledged (durable).</item>
/// <item><c>DELREQ &lt;queue&gt; &lt;id&gt;</c>: a delete of this acknowledged message is about to be sent (it may or may not land).</item>
/// <item><c>DEL &lt;queue&gt; &lt;id&gt;</c>: the delete was acknowledged.</item>
/// <item><c>DONE</c>: the time limit passed without a kill (the parent treats that as a failure).</item>
/// </list>
/// <para>Bodies are <c>{"r":R,"p":P,"n":N,"b":B,"c":C,"pad":"...","sum":"S"}</c> where S is the lowercase hex SHA-256
/// of every byte before <c>,"sum"</c>; the batch holding n starts at B and has C messages.</para>
/// <para>Any inconsistency the child itself sees (a delete of an acknowledged message finding nothing) is written to
/// stderr and ends the process with exit code 3.</para>
/// </remarks>
internal static class Program
{
    private const string Project = "crash";
    private const int MessageTtl = 1_209_600;

    private static readonly Lock OutputLock = new();
    private static Stream _stdout = Stream.Null;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync("usage: Marconi.Tests.CrashChild <data-dir> <seed> [--round N] [--producers N] [--page-bits N] [--memory-bits N] [--segment-bits N] [--maintenance-ms N] [--checkpoint-ms N] [--compact-ms N] [--keep-live N] [--max-seconds N]");
            return 2;
        }

        var directory = args[0];
        var seed = int.Parse(args[1], CultureInfo.InvariantCulture);
        var round = 0;
        var producers = 4;
        var maxSeconds = 60;
        var compactMs = 0;
        var keepLive = 60;
        var options = new FasterQueueStoreOptions();
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--round": round = value; break;
                case "--producers": producers = value; break;
                case "--page-bits": options = options with { PageSizeBits = value }; break;
                case "--memory-bits": options = options with { MemorySizeBits = value }; break;
                case "--segment-bits": options = options with { SegmentSizeBits = value }; break;
                case "--max-seconds": maxSeconds = value; break;
                case "--maintenance-ms": options = options with { MaintenanceInterval = TimeSpan.FromMilliseconds(value) }; break;
                case "--checkpoint-ms": options = options with { CheckpointInterval = TimeSpan.FromMilliseconds(value) }; break;
                case "--compact-ms": compactMs = value; break;
                case "--keep-live": keepLive = value; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}");
                    return 2;
            }
        }

        _stdout = Console.OpenStandardOutput();
        await using var store = await FasterQueueStore.OpenAsync(directory, options);
        var recovery = store.Recovery;
        Emit($"READY {recovery.RecordsReplayed} {recovery.RecordsDropped} {(recovery.CheckpointLoaded ? 1 : 0)}\n");

        var engine = new QueueEngine(store);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds));
        var tasks = new List<Task>();
        for (var p = 0; p < producers; p++)
        {
            var producer = p;
            tasks.Add(Task.Run(() => ProduceAsync(engine, round, producer, keepLive, new Random(HashCode.Combine(seed, round, producer)), stop.Token)));
        }

        if (compactMs > 0)
        {
            // Explicit compactions (relocation, checkpoint, truncation) on top of the store's own maintenance, so the
            // kill often lands in the middle of one.
            tasks.Add(Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(compactMs, CancellationToken.None);
                    await store.CompactAsync(CancellationToken.None);
                }
            }));
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception exception)
        {
            await Console.Error.WriteLineAsync($"producer failed: {exception}");
            return 3;
        }

        Emit("DONE\n");
        return 0;
    }

    /// <summary>The queue a producer writes to: two queues, shared by several producers each.</summary>
    public static string QueueOf(int producer) => $"crash-{producer % 2}";

    private static async Task ProduceAsync(QueueEngine engine, int round, int producer, int keepLive, Random random, CancellationToken stop)
    {
        var queue = QueueOf(producer);
        var clientId = new Guid(producer + 1, 0, 0, new byte[8]);
        var acknowledged = new List<string>();
        long next = 0;
        var line = new StringBuilder();
        while (!stop.IsCancellationRequested)
        {
            var count = random.Next(1, 11);
            var messages = new NewMessage[count];
            for (var i = 0; i < count; i++)
            {
                messages[i] = new NewMessage(Body(round, producer, next + i, next, count, random), MessageTtl);
            }

            var ids = await engine.PostMessagesAsync(Project, queue, messages, clientId, WriteDurability.Durable, CancellationToken.None);
            if (ids.Count != count)
            {
                throw new InvalidOperationException($"Posted {count} messages, got {ids.Count} ids.");
            }

            line.Clear();
            for (var i = 0; i < count; i++)
            {
                line.Append(CultureInfo.InvariantCulture, $"POST {queue} {ids[i]} {round} {producer} {next + i}\n");
            }

            Emit(line.ToString());
            acknowledged.AddRange(ids);
            next += count;

            // A few deletes at random, and as many as it takes to keep about keepLive messages: the log turns over, so
            // maintenance relocates and truncates while the producers run.
            if (acknowledged.Count > 5 && random.Next(4) == 0)
            {
                await DeleteSomeAsync(engine, queue, acknowledged, random, line);
            }

            while (acknowledged.Count > keepLive)
            {
                await DeleteSomeAsync(engine, queue, acknowledged, random, line);
            }
        }
    }

    private static async Task DeleteSomeAsync(QueueEngine engine, string queue, List<string> acknowledged, Random random, StringBuilder line)
    {
        var take = random.Next(1, 4);
        var victims = new string[take];
        for (var i = 0; i < take; i++)
        {
            var index = random.Next(acknowledged.Count);
            victims[i] = acknowledged[index];
            acknowledged.RemoveAt(index);
        }

        line.Clear();
        foreach (var id in victims)
        {
            line.Append(CultureInfo.InvariantCulture, $"DELREQ {queue} {id}\n");
        }

        Emit(line.ToString());
        if (take == 1)
        {
            if (!await engine.DeleteMessageAsync(Project, queue, victims[0], null, CancellationToken.None))
            {
                throw new InvalidOperationException($"Deleting acknowledged message {victims[0]} found nothing.");
            }
        }
        else
        {
            var deleted = await engine.DeleteMessagesAsync(Project, queue, victims, CancellationToken.None);
            if (deleted != take)
            {
                throw new InvalidOperationException($"Deleting {take} acknowledged messages found only {deleted}.");
            }
        }

        line.Clear();
        foreach (var id in victims)
        {
            line.Append(CultureInfo.InvariantCulture, $"DEL {queue} {id}\n");
        }

        Emit(line.ToString());
    }

    private static byte[] Body(int round, int producer, long n, long batchStart, int batchCount, Random random)
    {
        Span<char> pad = stackalloc char[random.Next(0, 160)];
        for (var i = 0; i < pad.Length; i++)
        {
            pad[i] = (char)('a' + random.Next(26));
        }

        var prefix = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"r\":{round},\"p\":{producer},\"n\":{n},\"b\":{batchStart},\"c\":{batchCount},\"pad\":\"{pad}\""));
        var sum = Convert.ToHexStringLower(SHA256.HashData(prefix));
        return [.. prefix, .. Encoding.UTF8.GetBytes($",\"sum\":\"{sum}\"}}")];
    }

    /// <summary>Writes text to stdout in one write and flushes it, so a kill never splits a line across writers.</summary>
    private static void Emit(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (OutputLock)
        {
            _stdout.Write(bytes);
            _stdout.Flush();
        }
    }
}
