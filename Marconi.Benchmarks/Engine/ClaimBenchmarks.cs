using BenchmarkDotNet.Attributes;

namespace Marconi.Benchmarks.Engine;

/// <summary>
/// Claim 10 messages, then delete them by id (the consumer's round trip), on a queue pre-filled with 1 KiB messages.
/// When fewer than 10 are left the operation refills the queue first; with <see cref="Prefill"/> that happens at most
/// once every <c>Prefill / 10</c> operations.
/// </summary>
[MemoryDiagnoser]
public class ClaimBenchmarks
{
    private const string Queue = "claim";
    private const int Prefill = 50_000;
    private EngineFixture _fixture = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _fixture = await EngineFixture.OpenAsync("claim");
        await _fixture.FillAsync(Queue, Prefill);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _fixture.DisposeAsync();

    [Benchmark]
    public async Task<int> Claim10AndDelete()
    {
        var engine = _fixture.Engine;
        var claim = await engine.ClaimMessagesAsync(EngineFixture.Project, Queue, new(Limit: 10, Ttl: 60, Grace: 60));
        if (claim is null || claim.Messages.Count < 10)
        {
            await _fixture.FillAsync(Queue, Prefill);
            claim ??= await engine.ClaimMessagesAsync(EngineFixture.Project, Queue, new(Limit: 10, Ttl: 60, Grace: 60));
        }

        if (claim is null)
        {
            return 0;
        }

        var ids = claim.Messages.Select(m => m.Id).ToArray();
        return await engine.DeleteMessagesAsync(EngineFixture.Project, Queue, ids);
    }
}
