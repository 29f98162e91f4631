namespace Marconi.Http.Api;

/// <summary>
/// The pool and flavor catalog as the admin endpoints (<c>/v2/pools</c>, <c>/v2/flavors</c>) see it. The server
/// implements it over its pooling layer, so this assembly knows no storage. Each change is durable when it returns;
/// a refused change (any outcome but Created, Updated, Deleted) changes nothing.
/// </summary>
public interface IPoolAdministration
{
    /// <summary>A page of pools sorted by name, after <paramref name="marker"/> (exclusive).</summary>
    IReadOnlyList<PoolEntry> ListPools(string? marker, int limit);

    /// <summary>A pool by name, or null.</summary>
    PoolEntry? GetPool(string name);

    /// <summary>How many queues live on a pool.</summary>
    int QueueCount(string pool);

    /// <summary>
    /// Creates or replaces a pool. Its URI must be one a driver serves and whose store opens (Zaqar's
    /// <c>can_connect</c>), else <see cref="AdminOutcome.BadUri"/> with the reason.
    /// </summary>
    ValueTask<AdminResult> PutPoolAsync(PoolEntry pool, CancellationToken cancellationToken);

    /// <summary>Changes the given fields of a pool (null: unchanged; an empty flavor: none); a new URI is checked as by <see cref="PutPoolAsync"/>.</summary>
    ValueTask<AdminResult> UpdatePoolAsync(string name, string? uri, long? weight, string? flavor, string? optionsJson, CancellationToken cancellationToken);

    /// <summary>Deletes a pool.</summary>
    AdminOutcome DeletePool(string name);

    /// <summary>A page of flavors sorted by name, after <paramref name="marker"/> (exclusive).</summary>
    IReadOnlyList<FlavorEntry> ListFlavors(string? marker, int limit);

    /// <summary>A flavor by name, or null.</summary>
    FlavorEntry? GetFlavor(string name);

    /// <summary>Creates or replaces a flavor whose pools are exactly <paramref name="pools"/>; <see cref="AdminOutcome.UnknownPool"/> names a listed pool that does not exist.</summary>
    AdminResult PutFlavor(string name, IReadOnlyList<string> pools, string capabilitiesJson);

    /// <summary>Sets a flavor's pools to exactly <paramref name="pools"/>.</summary>
    AdminResult UpdateFlavor(string name, IReadOnlyList<string> pools);

    /// <summary>Deletes a flavor (its pools stay, without a flavor).</summary>
    AdminOutcome DeleteFlavor(string name);
}

/// <summary>A pool as the admin API shows it.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Uri">Its store's URI.</param>
/// <param name="Weight">Its relative chance of taking a new queue (0: never).</param>
/// <param name="Flavor">Its flavor, or null.</param>
/// <param name="OptionsJson">Its <c>options</c> object as JSON.</param>
public sealed record PoolEntry(string Name, string Uri, long Weight, string? Flavor, string OptionsJson);

/// <summary>A flavor as the admin API shows it.</summary>
/// <param name="Name">The flavor's name.</param>
/// <param name="Pools">The names of its pools, sorted.</param>
/// <param name="Capabilities">What its stores offer (Zaqar's capability names, from its first pool's driver).</param>
public sealed record FlavorEntry(string Name, IReadOnlyList<string> Pools, IReadOnlyList<string> Capabilities);

/// <summary>What a catalog change did, with the detail of a refusal (the unknown pool, why a URI cannot be served).</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">The pool name of <see cref="AdminOutcome.UnknownPool"/>, the reason of <see cref="AdminOutcome.BadUri"/>; else null.</param>
public readonly record struct AdminResult(AdminOutcome Outcome, string? Detail = null);

/// <summary>What a catalog change did, or why it was refused.</summary>
public enum AdminOutcome
{
    /// <summary>A new definition was stored.</summary>
    Created,

    /// <summary>An existing definition was replaced or changed.</summary>
    Updated,

    /// <summary>The definition was removed.</summary>
    Deleted,

    /// <summary>The pool or flavor does not exist.</summary>
    NotFound,

    /// <summary>Another pool has the same store URI.</summary>
    UriTaken,

    /// <summary>Queues live on the pool: deleting it or changing its URI would orphan them.</summary>
    HasQueues,

    /// <summary>The pool is the only one of an existing flavor.</summary>
    LastOfFlavor,

    /// <summary>A pool listed for a flavor does not exist.</summary>
    UnknownPool,

    /// <summary>No driver serves the pool's URI, or its store does not open.</summary>
    BadUri,
}
