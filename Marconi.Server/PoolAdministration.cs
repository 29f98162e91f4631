using Marconi.Http.Api;
using Marconi.Pooling;

namespace Marconi.Server;

/// <summary>The admin API's view of the pooling layer: the catalog's pools and flavors, and URI checks that open the store.</summary>
internal sealed class PoolAdministration(PooledQueueStore store) : IPoolAdministration
{
    private PoolCatalog Catalog => store.Catalog;

    public IReadOnlyList<PoolEntry> ListPools(string? marker, int limit) =>
        [.. Catalog.Pools.Where(p => marker is null || string.CompareOrdinal(p.Name, marker) > 0).Take(limit).Select(ToEntry)];

    public PoolEntry? GetPool(string name) => Catalog.GetPool(name) is { } pool ? ToEntry(pool) : null;

    public int QueueCount(string pool) => Catalog.QueueCount(pool);

    public async ValueTask<AdminResult> PutPoolAsync(PoolEntry pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var uri = StoreUriText.Normalize(pool.Uri);
        if (await CheckUriAsync(pool.Name, uri, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return new(Map(Catalog.PutPool(new PoolDefinition(pool.Name, uri, pool.Weight, pool.Flavor, pool.OptionsJson))));
    }

    public async ValueTask<AdminResult> UpdatePoolAsync(string name, string? uri, long? weight, string? flavor, string? optionsJson, CancellationToken cancellationToken)
    {
        if (Catalog.GetPool(name) is null)
        {
            return new(AdminOutcome.NotFound);
        }

        uri = uri is null ? null : StoreUriText.Normalize(uri);
        if (uri is not null && await CheckUriAsync(name, uri, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        return new(Map(Catalog.UpdatePool(name, uri, weight, flavor, optionsJson)));
    }

    public AdminOutcome DeletePool(string name) => Map(Catalog.DeletePool(name));

    public IReadOnlyList<FlavorEntry> ListFlavors(string? marker, int limit) =>
        [.. Catalog.Flavors.Where(f => marker is null || string.CompareOrdinal(f.Name, marker) > 0).Take(limit).Select(f => ToEntry(f.Name))];

    public FlavorEntry? GetFlavor(string name) => Catalog.GetFlavor(name) is null ? null : ToEntry(name);

    public AdminResult PutFlavor(string name, IReadOnlyList<string> pools, string capabilitiesJson) =>
        new(Map(Catalog.PutFlavor(new FlavorDefinition(name, capabilitiesJson), pools, out var unknown)), unknown);

    public AdminResult UpdateFlavor(string name, IReadOnlyList<string> pools) =>
        new(Map(Catalog.UpdateFlavor(name, pools, capabilitiesJson: null, out var unknown)), unknown);

    public AdminOutcome DeleteFlavor(string name) => Map(Catalog.DeleteFlavor(name));

    /// <summary>
    /// What a store of the URI's scheme offers, in Zaqar's capability names: a FASTER pool is FIFO, claims, durable
    /// (fsynced before the answer), at-least-once and high-throughput; a Redis pool the same but durable, which
    /// depends on the Redis server's AOF settings (Zaqar's redis driver does not claim it either).
    /// </summary>
    public static IReadOnlyList<string> CapabilitiesOf(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.Scheme switch
        {
            "file" => ["FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"],
            "redis" => ["FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"],
            _ => [],
        }
        : [];

    /// <summary>
    /// The catalog's rules first (so a refused change opens nothing), then Zaqar's <c>can_connect</c>: the URI parses,
    /// a driver serves its scheme, and its store opens. Null when the pool may use the URI.
    /// </summary>
    private async ValueTask<AdminResult?> CheckUriAsync(string name, string uri, CancellationToken cancellationToken)
    {
        if (Catalog.CheckPoolUri(name, uri) is { } refused)
        {
            return new AdminResult(Map(refused));
        }

        try
        {
            store.Resolver.Validate(uri);
            await store.StoreOfUriAsync(uri, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ArgumentException ex)
        {
            return CannotConnect(ex.ParamName is { } parameter ? ex.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal) : ex.Message);
        }
#pragma warning disable CA1031 // Whatever keeps a driver from opening its store means the pool cannot be served: a 400, not a 500.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return CannotConnect(ex.Message);
        }

        // Masked: the reason may quote the URI, and an answer never carries a password.
        AdminResult CannotConnect(string reason) => new(AdminOutcome.BadUri, $"cannot connect to {StoreUriText.Mask(uri)}: {reason.Replace(uri, StoreUriText.Mask(uri), StringComparison.Ordinal)}");
    }

    private FlavorEntry ToEntry(string flavor)
    {
        var pools = Catalog.PoolsOf(flavor);
        var first = pools.Count > 0 ? Catalog.GetPool(pools[0]) : null;
        return new FlavorEntry(flavor, pools, first is null ? [] : CapabilitiesOf(first.Uri));
    }

    private static PoolEntry ToEntry(PoolDefinition pool) => new(pool.Name, pool.Uri, pool.Weight, pool.Flavor, pool.OptionsJson);

    private static AdminOutcome Map(CatalogOutcome outcome) => outcome switch
    {
        CatalogOutcome.Created => AdminOutcome.Created,
        CatalogOutcome.Updated => AdminOutcome.Updated,
        CatalogOutcome.Deleted => AdminOutcome.Deleted,
        CatalogOutcome.NotFound => AdminOutcome.NotFound,
        CatalogOutcome.UriTaken => AdminOutcome.UriTaken,
        CatalogOutcome.HasQueues => AdminOutcome.HasQueues,
        CatalogOutcome.LastOfFlavor => AdminOutcome.LastOfFlavor,
        _ => AdminOutcome.UnknownPool,
    };
}
