using BenchmarkDotNet.Attributes;
using Marconi.Core.Model;

namespace Marconi.Benchmarks.Engine;

/// <summary>
/// List one page of 10 messages (bodies read back from the log) from a queue holding <see cref="Depth"/> messages of
/// 1 KiB. The million-deep case is the <c>scaling</c> command's: its fill would dominate the one-shot CI smoke.
/// </summary>
[MemoryDiagnoser]
public class ListBenchmarks
{
    private const string Queue = "list";
    private static readonly MessageListOptions Page = new() { Limit = 10, Echo = true };
    private EngineFixture _fixture = null!;

    [Params(1_000, 100_000)]
    public int Depth { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _fixture = await EngineFixture.OpenAsync("list");
        await _fixture.FillAsync(Queue, Depth);
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
