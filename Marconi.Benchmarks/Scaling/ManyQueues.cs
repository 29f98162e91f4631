using Marconi.Benchmarks.Support;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;

namespace Marconi.Benchmarks.Scaling;

/// <summary>
/// A FasterQueueStore (real files, temp directory) holding a given number of queues in one project, and a post of
/// one 1 KiB message that walks over all of them, so every post lands in a different queue than the one before.
/// </summary>
internal sealed class ManyQueues : IAsyncDisposable
{
    public const string Project = "scale";

    // Queues are created by this many concurrent callers, so their durable creates share commits.
    private const int Creators = 64;

    private readonly TempDirectory _directory;
    private readonly string[] _names;
    private readonly NewMessage[] _one;
    private readonly int _stride;
    private int _next;

    private ManyQueues(TempDirectory directory, FasterQueueStore store, string[] names, byte[] body)
    {
        _directory = directory;
        Store = store;
        Engine = new QueueEngine(store);
        _names = names;
        _one = [new NewMessage(body)];

        // A stride coprime with the count visits every queue once per round, in an order unlike creation order.
        _stride = CoprimeStride(names.Length);
    }

    public FasterQueueStore Store { get; }

    public QueueEngine Engine { get; }

    public int Count => _names.Length;

    public Guid Client { get; } = Guid.NewGuid();

    public static async Task<ManyQueues> CreateAsync(int queues, byte[] body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queues, 1);
        var directory = new TempDirectory($"scale-queues-{queues}");
        FasterQueueStore? store = null;
        try
        {
            store = await FasterQueueStore.OpenAsync(directory.Path);
            var engine = new QueueEngine(store);
            var names = Enumerable.Range(0, queues).Select(i => $"q{i:D6}").ToArray();
            var creators = new Task[Math.Min(Creators, queues)];
            for (var c = 0; c < creators.Length; c++)
            {
                var first = c;
                creators[c] = Task.Run(async () =>
                {
                    for (var i = first; i < names.Length; i += creators.Length)
                    {
                        await engine.CreateQueueAsync(Project, names[i]);
                    }
                });
            }

            await Task.WhenAll(creators);
            await store.CheckpointAsync();
            return new ManyQueues(directory, store, names, body);
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

    /// <summary>Posts one message to the next queue of the walk.</summary>
    public async ValueTask PostAsync(WriteDurability durability)
    {
        var queue = _names[_next];
        _next = (int)((_next + (long)_stride) % _names.Length);
        await Engine.PostMessagesAsync(Project, queue, _one, Client, durability);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }

    private static int CoprimeStride(int count)
    {
        var stride = Math.Max(1, (int)(count * 0.618));
        while (stride > 1 && Gcd(stride, count) != 1)
        {
            stride--;
        }

        return stride;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
