namespace Marconi.Tests.Http.Hostile;

/// <summary>Tests that hold many connections and compare heap sizes run alone, so other tests' allocations do not blur the figures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "Hostile clients, run alone";
}
