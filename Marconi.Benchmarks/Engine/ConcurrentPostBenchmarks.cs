using BenchmarkDotNet.Attributes;
using Marconi.Benchmarks.Figures;
using Marconi.Benchmarks.Support;
using Marconi.Core.Model;

namespace Marconi.Benchmarks.Engine;

/// <summary>
/// Durable posts of one 1 KiB message with <see cref="Concurrency"/> posts in flight, against the raw FasterLog
/// baseline (<see cref="RawFasterLogBaseline"/>: a 1 KiB entry enqueued and awaited the same way, one committer): the
/// Ratio column is the engine's cost over the log's, per post, measured in one run.
/// </summary>
[MemoryDiagnoser]
public class ConcurrentPostBenchmarks
{
    private TempDirectory _rawDirectory = null!;
    private RawFasterLogBaseline _raw = null!;
    private EngineFixture _fixture = null!;
    private NewMessage[] _message = [];
    private byte[] _rawEntry = [];
    private ValueTask[] _pending = [];

    /// <summary>Posts in flight at once (each invocation posts this many and waits for all).</summary>
    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _rawDirectory = new TempDirectory("post-raw");
        _raw = new RawFasterLogBaseline(_rawDirectory.Path);
        _fixture = await EngineFixture.OpenAsync("post-concurrent");
        _message = [new NewMessage(EngineFixture.Body)];
        _rawEntry = EngineFixture.Body;
        _pending = new ValueTask[Concurrency];
        await _fixture.Engine.CreateQueueAsync(EngineFixture.Project, "post");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _fixture.DisposeAsync();
        _raw.Dispose();
        _rawDirectory.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 64)]
    public Task RawFasterLog() => AllAsync(static self => self._raw.AppendDurableAsync(self._rawEntry));

    [Benchmark(OperationsPerInvoke = 64)]
    public Task EnginePost() => AllAsync(static self => self.PostOneAsync());

    private async ValueTask PostOneAsync() =>
        await _fixture.Engine.PostMessagesAsync(EngineFixture.Project, "post", _message, _fixture.Client).ConfigureAwait(false);

    /// <summary>Runs <see cref="Concurrency"/> operations at once, repeated so every invocation does 64 in all.</summary>
    private async Task AllAsync(Func<ConcurrentPostBenchmarks, ValueTask> operation)
    {
        for (var done = 0; done < 64; done += _pending.Length)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                // Each stored ValueTask is awaited exactly once, below.
#pragma warning disable CA2012
                _pending[i] = operation(this);
#pragma warning restore CA2012
            }

            foreach (var pending in _pending)
            {
                await pending.ConfigureAwait(false);
            }
        }
    }
}
