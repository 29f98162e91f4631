using BenchmarkDotNet.Attributes;
using Marconi.Core.Model;

namespace Marconi.Benchmarks.Engine;

/// <summary>Durable <c>PostMessagesAsync</c> of 1, 10 and 100 messages of 1 KiB JSON, one caller, FasterQueueStore defaults.</summary>
[MemoryDiagnoser]
public class PostBenchmarks
{
    private EngineFixture _fixture = null!;
    private NewMessage[] _messages = [];

    [Params(1, 10, 100)]
    public int Count { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _fixture = await EngineFixture.OpenAsync("post");
        _messages = Enumerable.Repeat(new NewMessage(EngineFixture.Body), Count).ToArray();
        await _fixture.Engine.CreateQueueAsync(EngineFixture.Project, "post");
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _fixture.DisposeAsync();

    [Benchmark]
    public async Task<int> PostDurable()
    {
        var ids = await _fixture.Engine.PostMessagesAsync(EngineFixture.Project, "post", _messages, _fixture.Client);
        return ids.Count;
    }
}
