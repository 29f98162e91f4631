using System.Text;
using FsCheck.Xunit;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Engine.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>
/// Model-based tests: FsCheck generates sequences of engine operations, which run against the real
/// <see cref="Marconi.Core.QueueEngine"/> on the FASTER store and against <see cref="QueueModel"/>, and every observable
/// result must agree: ids (mapped to the model's), bodies and their order, claim contents, error kinds and counts.
/// On a failure FsCheck shrinks the sequence and prints it with the seed to replay (Replay = "..." on the attribute).
/// </summary>
public sealed class ModelBasedTests
{
    [Property(MaxTest = 100, Arbitrary = [typeof(ModelGenerators)], QuietOnSuccess = true)]
    public async Task The_engine_agrees_with_the_in_memory_model(ModelOp[] ops)
    {
        await using var harness = await EngineHarness.CreateAsync();
        var run = new ModelRun(harness);
        var trace = new StringBuilder();
        foreach (var op in ops)
        {
            var (real, model) = await run.StepAsync(op);
            trace.Append(op).Append(" -> ").AppendLine(model);
            if (!string.Equals(real, model, StringComparison.Ordinal))
            {
                Assert.Fail($"The engine and the model disagree on the last step:\n{trace}  engine: {real}\n  model:  {model}");
            }
        }
    }

    [Fact]
    public async Task A_disagreement_is_reported()
    {
        // The check must be able to fail: a run whose model is told about a message the engine never saw disagrees.
        await using var harness = await EngineHarness.CreateAsync();
        var run = new ModelRun(harness);
        await run.StepAsync(new PostOp("q1", 0, [(null, null)]));
        run.Model.Post("q1", 0, [(null, null, "{\"n\":99}")], harness.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        var (real, model) = await run.StepAsync(new StatsOp("q1"));
        Assert.NotEqual(real, model);
    }
}
