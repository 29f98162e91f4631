namespace Marconi.Pooling;

/// <summary>A pool: a store reached by <see cref="Uri"/>, picked for new queues in proportion to <see cref="Weight"/>.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Uri">The store's URI (<c>file:</c> path or <c>redis://</c>), resolved by a <see cref="IQueueStoreFactory"/>.</param>
/// <param name="Weight">The relative chance of being picked (0 to 2^32-1, as Zaqar's schema); 0 never takes new queues.</param>
/// <param name="Flavor">The flavor the pool belongs to, or null: queues without <c>_flavor</c> go to pools without one.</param>
/// <param name="OptionsJson">The pool's <c>options</c> object as JSON.</param>
public sealed record PoolDefinition(string Name, string Uri, long Weight, string? Flavor, string OptionsJson);

/// <summary>A flavor: a named set of pools (those whose <see cref="PoolDefinition.Flavor"/> names it) that queues created with <c>_flavor</c> are placed on.</summary>
/// <param name="Name">The flavor's name.</param>
/// <param name="CapabilitiesJson">The flavor's <c>capabilities</c> object as JSON.</param>
public sealed record FlavorDefinition(string Name, string CapabilitiesJson);

/// <summary>What a catalog change did, or why it was refused (nothing is written then).</summary>
public enum CatalogOutcome
{
    /// <summary>A new definition was stored.</summary>
    Created,

    /// <summary>An existing definition was replaced or changed.</summary>
    Updated,

    /// <summary>The definition was removed.</summary>
    Deleted,

    /// <summary>The pool or flavor named does not exist.</summary>
    NotFound,

    /// <summary>Another pool already has this URI (two pools on one store would mix their queues).</summary>
    UriTaken,

    /// <summary>Queues live on the pool: deleting it or moving its URI would orphan them.</summary>
    HasQueues,

    /// <summary>The pool is the last one of its flavor (Zaqar refuses to delete it while the flavor exists).</summary>
    LastOfFlavor,

    /// <summary>A pool listed for a flavor does not exist.</summary>
    UnknownPool,
}
