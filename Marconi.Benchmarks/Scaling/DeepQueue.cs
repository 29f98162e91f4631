using Marconi.Benchmarks.Support;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;

namespace Marconi.Benchmarks.Scaling;

/// <summary>
/// A FasterQueueStore (real files, temp directory) holding one queue of a given depth of 1 KiB messages, and the
/// operations the scaling run times on it. Every operation that removes messages is paired with a restore step that
/// posts as many again at the tail, so the depth stays constant while measuring.
/// </summary>
internal sealed class DeepQueue : IAsyncDisposable
{
    public const string Project = "scale";
    public const string Queue = "deep";

    // Ids kept for deletes by id and the middle marker: spread evenly over the queue, not all one million.
    private const int SampleSize = 4096;
    private static readonly ClaimOptions Claim10 = new(Limit: 10, Ttl: 300, Grace: 60);

    private readonly TempDirectory _directory;
    private readonly NewMessage[] _one;
    private readonly NewMessage[] _ten;
    private readonly string[] _sample;
    private readonly MessageListOptions _head = new() { Limit = 10, Echo = true };
    private readonly MessageListOptions _middle;
    private int _next;

    private DeepQueue(TempDirectory directory, FasterQueueStore store, int depth, byte[] body, string[] sample)
    {
        _directory = directory;
        Store = store;
        Engine = new QueueEngine(store);
        Depth = depth;
        _one = [new NewMessage(body)];
        _ten = Enumerable.Repeat(new NewMessage(body), 10).ToArray();
        _sample = sample;
        _middle = new MessageListOptions { Limit = 10, Echo = true, Marker = sample[sample.Length / 2] };
    }

    public FasterQueueStore Store { get; }

    public QueueEngine Engine { get; }

    public int Depth { get; }

    public Guid Client { get; } = Guid.NewGuid();

    /// <summary>Creates the store and posts <paramref name="depth"/> messages in relaxed batches, the last post durable.</summary>
    public static async Task<DeepQueue> FillAsync(int depth, byte[] body, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 20);
        var directory = new TempDirectory($"scale-{depth}");
        FasterQueueStore? store = null;
        try
        {
            store = await FasterQueueStore.OpenAsync(directory.Path);
            var engine = new QueueEngine(store);
            var client = Guid.NewGuid();
            var batch = Enumerable.Repeat(new NewMessage(body), batchSize).ToArray();
            var stride = Math.Max(1, depth / SampleSize);
            var sample = new List<string>(SampleSize + 1);
            var posted = 0;
            while (posted < depth)
            {
                var count = Math.Min(batchSize, depth - posted);
                var durability = posted + count == depth ? WriteDurability.Durable : WriteDurability.Relaxed;
                var ids = await engine.PostMessagesAsync(Project, Queue, count == batchSize ? batch : batch[..count], client, durability);
                for (var i = 0; i < ids.Count; i++)
                {
                    if ((posted + i) % stride == 0)
                    {
                        sample.Add(ids[i]);
                    }
                }

                posted += count;
            }

            // Start the measurements right after a checkpoint, so none falls due while they run.
            await store.CheckpointAsync();
            return new DeepQueue(directory, store, depth, body, [.. sample]);
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }
    }

    /// <summary>The first page of 10 (no marker).</summary>
    public async ValueTask ListHeadAsync() => Expect10((await Engine.ListMessagesAsync(Project, Queue, Client, _head)).Messages.Count);

    /// <summary>A page of 10 after a marker in the middle of the queue.</summary>
    public async ValueTask ListAfterMarkerAsync() => Expect10((await Engine.ListMessagesAsync(Project, Queue, Client, _middle)).Messages.Count);

    /// <summary>Claims 10 from the head and deletes them by id in one call.</summary>
    public async ValueTask ClaimAndDeleteAsync()
    {
        var claim = await Engine.ClaimMessagesAsync(Project, Queue, Claim10);
        if (claim is null || claim.Messages.Count != 10)
        {
            throw new InvalidOperationException($"Expected a claim of 10 messages at depth {Depth}, got {claim?.Messages.Count ?? 0}.");
        }

        var ids = new string[claim.Messages.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = claim.Messages[i].Id;
        }

        Expect10(await Engine.DeleteMessagesAsync(Project, Queue, ids));
    }

    /// <summary>Puts back the 10 messages a claim-and-delete removed (relaxed: the next durable operation commits them).</summary>
    public async ValueTask PostTenAsync() => await Engine.PostMessagesAsync(Project, Queue, _ten, Client, WriteDurability.Relaxed);

    /// <summary>Deletes one message by id (no claim), taking the sampled ids in turn: they lie all over the queue.</summary>
    public async ValueTask DeleteByIdAsync()
    {
        var id = _sample[_next];
        if (!await Engine.DeleteMessageAsync(Project, Queue, id))
        {
            throw new InvalidOperationException($"Message {id} was not there to delete at depth {Depth}.");
        }
    }

    /// <summary>Posts one message in place of the one just deleted, and keeps its id in the sample slot that was used.</summary>
    public async ValueTask ReplaceDeletedAsync()
    {
        var ids = await Engine.PostMessagesAsync(Project, Queue, _one, Client, WriteDurability.Relaxed);

        // Not the middle slot: the marker page must stay where it is.
        _sample[_next] = ids[0];
        _next = (_next + 1) % _sample.Length;
        if (_next == _sample.Length / 2)
        {
            _next++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }

    private void Expect10(int count)
    {
        if (count != 10)
        {
            throw new InvalidOperationException($"Expected 10 messages at depth {Depth}, got {count}.");
        }
    }
}
