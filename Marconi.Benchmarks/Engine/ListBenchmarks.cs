using BenchmarkDotNet.Attributes;
using Marconi.Core.Model;

namespace Marconi.Benchmarks.Engine;

/// <summary>List one page of 10 messages (bodies read back from the log) from a queue holding 1,000 messages of 1 KiB.</summary>
[MemoryDiagnoser]
public class ListBenchmarks
{
    private const string Queue = "list";
    private static readonly MessageListOptions Page = new() { Limit = 10, Echo = true };
    private EngineFixture _fixture = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _fixture = await EngineFixture.OpenAsync("list");
        await _fixture.FillAsync(Queue, 1_000);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _fixture.DisposeAsync();

    [Benchmark]
    public async Task<int> List10()
    {
        var page = await _fixture.Engine.ListMessagesAsync(EngineFixture.Project, Queue, _fixture.Client, Page);
        return page.Messages.Count;
    }
}
