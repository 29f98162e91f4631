using Marconi.Benchmarks.Support;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;

namespace Marconi.Benchmarks.Engine;

/// <summary>An engine on a <see cref="FasterQueueStore"/> with default options in a fresh temp directory.</summary>
internal sealed class EngineFixture : IAsyncDisposable
{
    public const string Project = "bench";

    private readonly TempDirectory _directory;

    private EngineFixture(TempDirectory directory, FasterQueueStore store)
    {
        _directory = directory;
        Store = store;
        Engine = new QueueEngine(store);
    }

    public FasterQueueStore Store { get; }

    public QueueEngine Engine { get; }

    public Guid Client { get; } = Guid.NewGuid();

    public static readonly byte[] Body = SampleBodies.Json(1024);

    public static async Task<EngineFixture> OpenAsync(string label)
    {
        var directory = new TempDirectory(label);
        try
        {
            return new EngineFixture(directory, await FasterQueueStore.OpenAsync(directory.Path));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Posts <paramref name="count"/> 1 KiB messages in batches of 100 with relaxed durability, then one durable post.</summary>
    public async Task FillAsync(string queue, int count)
    {
        var batch = Enumerable.Repeat(new NewMessage(Body), 100).ToArray();
        for (var remaining = count; remaining > 0; remaining -= 100)
        {
            var posted = remaining >= 100 ? batch : batch[..remaining];
            await Engine.PostMessagesAsync(Project, queue, posted, Client, WriteDurability.Relaxed);
        }

        await Engine.PostMessagesAsync(Project, queue, [new NewMessage(Body)], Client);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
