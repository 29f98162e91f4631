using Marconi.Core;
using Marconi.Core.Storage;
using Marconi.Storage.Faster;
using Microsoft.Extensions.Time.Testing;

namespace Marconi.Tests.Support;

/// <summary>
/// A <see cref="QueueEngine"/> on a <see cref="FasterQueueStore"/> in a fresh temp directory, driven by a fake clock.
/// <see cref="ReopenAsync"/> closes the store and opens it again on the same directory (and the same clock), so a test
/// can check that state survives a restart. With a <see cref="StoreBackend"/>, the store is a Redis store under a key
/// prefix of its own instead, and reopening reconnects to the same keys.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    /// <summary>Where the fake clock starts: a fixed UTC instant, so times in failures are reproducible.</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory;
    private readonly QueueLimits? _limits;
    private readonly StoreBackend? _backend;
    private readonly string _keyPrefix = $"test-{Guid.NewGuid():N}";
    private FasterQueueStore? _faster;
    private bool _disposed;

    private EngineHarness(TempDirectory directory, FakeTimeProvider clock, FasterQueueStoreOptions options, QueueLimits? limits, StoreBackend? backend)
    {
        _directory = directory;
        Clock = clock;
        Options = options;
        _limits = limits;
        _backend = backend;
    }

    /// <summary>The fake clock the store and the engine read; move it with <see cref="Advance"/>.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The options the store is opened with.</summary>
    public FasterQueueStoreOptions Options { get; }

    /// <summary>The store's directory.</summary>
    public string Directory => _directory.Path;

    /// <summary>The open FASTER store (replaced by <see cref="ReopenAsync"/>); FASTER-only tests use it.</summary>
    public FasterQueueStore Store => _faster ?? throw new InvalidOperationException($"This harness runs on {_backend}, not on FASTER.");

    /// <summary>The open store, whichever it is (replaced by <see cref="ReopenAsync"/>).</summary>
    public IQueueStore QueueStore { get; private set; } = null!;

    /// <summary>The engine on the open store (replaced by <see cref="ReopenAsync"/>).</summary>
    public QueueEngine Engine { get; private set; } = null!;

    /// <summary>Opens a store in a new temp directory with small FASTER pages and a fake clock at <see cref="Start"/>.</summary>
    public static async Task<EngineHarness> CreateAsync(QueueLimits? limits = null, Func<FasterQueueStoreOptions, FasterQueueStoreOptions>? configure = null, StoreBackend? backend = null)
    {
        var clock = new FakeTimeProvider(Start);
        var options = new FasterQueueStoreOptions
        {
            TimeProvider = clock,
            PageSizeBits = 20,
            MemorySizeBits = 23,
            SegmentSizeBits = 24,
        };
        if (configure is not null)
        {
            options = configure(options);
        }

        var harness = new EngineHarness(new TempDirectory("engine"), clock, options, limits, backend);
        try
        {
            await harness.OpenAsync();
        }
        catch
        {
            harness._directory.Dispose();
            throw;
        }

        return harness;
    }

    /// <summary>Moves the fake clock forward.</summary>
    public void Advance(TimeSpan by) => Clock.Advance(by);

    /// <summary>Moves the fake clock forward by whole seconds.</summary>
    public void AdvanceSeconds(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>Closes the store and opens it again on the same directory with the same options and clock.</summary>
    /// <param name="whileClosed">Runs on the directory between the close and the open (to change files on disk).</param>
    public async Task ReopenAsync(Action<string>? whileClosed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await QueueStore.DisposeAsync();
        QueueStore = null!;
        _faster = null;
        Engine = null!;
        whileClosed?.Invoke(_directory.Path);
        await OpenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (QueueStore is not null)
            {
                await QueueStore.DisposeAsync();
            }
        }
        finally
        {
            _directory.Dispose();
        }
    }

    private async Task OpenAsync()
    {
        if (_backend is null)
        {
            _faster = await FasterQueueStore.OpenAsync(_directory.Path, Options);
            QueueStore = _faster;
        }
        else
        {
            QueueStore = await _backend.OpenAsync(_keyPrefix, Clock);
        }

        Engine = new QueueEngine(QueueStore, _limits);
    }
}
