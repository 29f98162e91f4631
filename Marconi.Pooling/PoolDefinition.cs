namespace Marconi.Pooling;

/// <summary>A pool: a store reached by <see cref="Uri"/>, picked for new queues in proportion to <see cref="Weight"/>.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Uri">The store's URI (<c>file:</c> path or <c>redis://</c>), resolved by a <see cref="IQueueStoreFactory"/>.</param>
/// <param name="Weight">The relative chance of being picked; 0 never takes new queues.</param>
/// <param name="Flavor">The flavor the pool belongs to, or null.</param>
/// <param name="OptionsJson">The pool's <c>options</c> object as JSON.</param>
public sealed record PoolDefinition(string Name, string Uri, int Weight, string? Flavor, string OptionsJson);

/// <summary>A flavor: a named set of pools that queues created with <c>_flavor</c> are placed on.</summary>
/// <param name="Name">The flavor's name.</param>
/// <param name="CapabilitiesJson">The flavor's <c>capabilities</c> object as JSON.</param>
public sealed record FlavorDefinition(string Name, string CapabilitiesJson);
