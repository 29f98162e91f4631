namespace Marconi.Fuzz.Targets;

/// <summary>Every fuzz target, by name (the order run.sh's <c>all</c> mode gives them their share of time).</summary>
public static class FuzzTargets
{
    /// <summary>The targets, in a fixed order.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        HttpTargets.Head,
        HttpTargets.Chunked,
        JsonBodyTargets.Messages,
        JsonBodyTargets.Claims,
        JsonBodyTargets.Metadata,
        JsonBodyTargets.Subscriptions,
        JsonBodyTargets.SharePurge,
    ];

    /// <summary>The target named <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
