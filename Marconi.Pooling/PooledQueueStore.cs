using System.Text.Json;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;

namespace Marconi.Pooling;

/// <summary>
/// An <see cref="IQueueStore"/> over a default store and the catalog's pools: each per-queue call goes to the store
/// of the queue's pool, new queues are placed by the catalog (weighted, by <c>_flavor</c>), listings merge all stores.
/// While no queue is placed on a pool every call goes straight to the default store.
/// </summary>
/// <remarks>
/// Queues that existed on the default store before pools were defined stay there. A dead-letter queue is served by
/// the store of the queue that moves messages into it, so it must live on the same pool.
/// </remarks>
public sealed class PooledQueueStore : IQueueStore, IStoreHealth
{
    private const string FlavorKey = "_flavor";

    private readonly IQueueStore _default;
    private readonly PoolCatalog _catalog;
    private readonly StoreUriResolver _resolver;
    private readonly Random _random;
    private readonly Dictionary<string, IQueueStore> _opened = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly bool _leaveDefaultStoreOpen;

    /// <summary>Creates the routing store; it owns and disposes the catalog, the pool stores and (unless told otherwise) <paramref name="defaultStore"/>.</summary>
    /// <param name="defaultStore">Where queues without a pool live.</param>
    /// <param name="catalog">The pools and placements.</param>
    /// <param name="resolver">Opens a pool's store from its URI.</param>
    /// <param name="random">The source of weighted picks (seed it for a reproducible placement).</param>
    /// <param name="leaveDefaultStoreOpen">True when the caller disposes <paramref name="defaultStore"/> itself.</param>
    public PooledQueueStore(IQueueStore defaultStore, PoolCatalog catalog, StoreUriResolver resolver, Random? random = null, bool leaveDefaultStoreOpen = false)
    {
        ArgumentNullException.ThrowIfNull(defaultStore);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(resolver);
        _default = defaultStore;
        _catalog = catalog;
        _resolver = resolver;
        _random = random ?? Random.Shared;
        _leaveDefaultStoreOpen = leaveDefaultStoreOpen;
    }

    /// <summary>The catalog this store routes by.</summary>
    public PoolCatalog Catalog => _catalog;

    /// <summary>The drivers pool URIs are opened with.</summary>
    public StoreUriResolver Resolver => _resolver;

    /// <inheritdoc />
    public TimeProvider TimeProvider => _default.TimeProvider;

    /// <summary>The store of a pool (opened on first use).</summary>
    public ValueTask<IQueueStore> PoolStoreAsync(string pool, CancellationToken cancellationToken)
    {
        var definition = _catalog.GetPool(pool) ?? throw new InvalidOperationException($"Pool '{pool}' is not defined.");
        return StoreOfUriAsync(definition.Uri, cancellationToken);
    }

    /// <summary>
    /// The store at a URI, opened on first use and kept open until this store is disposed (one store per URI, so a
    /// pool whose URI changed, or that was deleted and defined again, never has its directory opened twice).
    /// Opening it is also how an admin call checks that a new pool's URI can be served.
    /// </summary>
    public async ValueTask<IQueueStore> StoreOfUriAsync(string uri, CancellationToken cancellationToken)
    {
        var key = StoreUriResolver.Canonical(uri);
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_opened.TryGetValue(key, out var store))
            {
                store = await OpenPoolStoreAsync(uri, cancellationToken).ConfigureAwait(false);
                _opened.Add(key, store);
            }

            return store;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>The server's own store's report; a pool's store reports on itself, and one that cannot be opened answers 503 for its queues.</summary>
    /// <param name="cancellationToken">Cancels the report.</param>
    public ValueTask<StoreHealth> GetHealthAsync(CancellationToken cancellationToken) =>
        _default is IStoreHealth health
            ? health.GetHealthAsync(cancellationToken)
            : ValueTask.FromResult(new StoreHealth { Backend = "pooled", Status = StoreStatus.Ok, Detail = "the default store reports no health of its own" });

    /// <summary>
    /// Opens a pool's store; a store that cannot be opened makes its queues unavailable (503, retried on the next
    /// request), not broken: the pool may come back (a disk remounted, a Redis restarted) without a server restart.
    /// </summary>
    private async ValueTask<IQueueStore> OpenPoolStoreAsync(string uri, CancellationToken cancellationToken)
    {
        try
        {
            return await _resolver.OpenAsync(uri, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever keeps a driver from opening its store means the pool is unavailable for now.
        catch (Exception ex) when (ex is not OperationCanceledException and not QueueException)
#pragma warning restore CA1031
        {
            // The URI is left out of the message: it may carry a password.
            ThrowHelper.StorageUnavailable("A pool's store cannot be opened; the queues placed on it are unavailable until it can: " + ex.Message, ex);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> CreateQueueAsync(string project, string queue, QueueMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var store = await PlaceAsync(project, queue, FlavorOf(metadata), cancellationToken).ConfigureAwait(false);
        return await store.CreateQueueAsync(project, queue, metadata, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<QueueMetadata?> GetQueueMetadataAsync(string project, string queue, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).GetQueueMetadataAsync(project, queue, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<QueueMetadata> UpdateQueueMetadataAsync(string project, string queue, Func<QueueMetadata, QueueMetadata> update, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).UpdateQueueMetadataAsync(project, queue, update, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteQueueAsync(string project, string queue, CancellationToken cancellationToken)
    {
        var store = await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false);
        var deleted = await store.DeleteQueueAsync(project, queue, cancellationToken).ConfigureAwait(false);
        _catalog.Remove(project, queue);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask<QueuePage> ListQueuesAsync(string project, string? marker, int limit, string? namePrefix, bool detailed, bool withCount, CancellationToken cancellationToken)
    {
        if (_catalog.Pools.Count == 0 && _opened.Count == 0)
        {
            return await _default.ListQueuesAsync(project, marker, limit, namePrefix, detailed, withCount, cancellationToken).ConfigureAwait(false);
        }

        var stores = new List<IQueueStore> { _default };
        foreach (var pool in _catalog.Pools)
        {
            stores.Add(await PoolStoreAsync(pool.Name, cancellationToken).ConfigureAwait(false));
        }

        var merged = new List<QueueSummary>();
        long? count = null;
        foreach (var store in stores.Distinct())
        {
            var page = await store.ListQueuesAsync(project, marker, limit, namePrefix, detailed, withCount, cancellationToken).ConfigureAwait(false);
            merged.AddRange(page.Queues);
            count = page.Count is { } c ? (count ?? 0) + c : count;
        }

        var queues = merged.OrderBy(q => q.Name, StringComparer.Ordinal).Take(limit).ToList();
        return new QueuePage(queues, queues.Count > 0 ? queues[^1].Name : null, count);
    }

    /// <inheritdoc />
    public async ValueTask PurgeQueueAsync(string project, string queue, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).PurgeQueueAsync(project, queue, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<QueueStats> GetQueueStatsAsync(string project, string queue, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).GetQueueStatsAsync(project, queue, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> PostMessagesAsync(string project, string queue, Guid clientId, IReadOnlyList<MessageDraft> messages, WriteDurability durability, CancellationToken cancellationToken)
    {
        var store = await PlaceAsync(project, queue, flavor: null, cancellationToken).ConfigureAwait(false);
        return await store.PostMessagesAsync(project, queue, clientId, messages, durability, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<MessagePage> ListMessagesAsync(string project, string queue, MessageQuery query, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).ListMessagesAsync(project, queue, query, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> GetMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).GetMessagesAsync(project, queue, ids, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteMessageAsync(string project, string queue, string messageId, string? claimId, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).DeleteMessageAsync(project, queue, messageId, claimId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<int> DeleteMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).DeleteMessagesAsync(project, queue, ids, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> PopMessagesAsync(string project, string queue, int limit, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).PopMessagesAsync(project, queue, limit, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<ClaimResult?> ClaimMessagesAsync(string project, string queue, ClaimDraft claim, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).ClaimMessagesAsync(project, queue, claim, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<ClaimResult?> GetClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).GetClaimAsync(project, queue, claimId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> UpdateClaimAsync(string project, string queue, string claimId, int ttl, int grace, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).UpdateClaimAsync(project, queue, claimId, ttl, grace, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).ReleaseClaimAsync(project, queue, claimId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SubscriptionCreation> CreateSubscriptionAsync(string project, string queue, SubscriptionDraft draft, CancellationToken cancellationToken)
    {
        var store = await PlaceAsync(project, queue, flavor: null, cancellationToken).ConfigureAwait(false);
        return await store.CreateSubscriptionAsync(project, queue, draft, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<Subscription?> GetSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).GetSubscriptionAsync(project, queue, subscriptionId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SubscriptionPage> ListSubscriptionsAsync(string project, string queue, string? marker, int limit, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).ListSubscriptionsAsync(project, queue, marker, limit, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> UpdateSubscriptionAsync(string project, string queue, string subscriptionId, SubscriptionChanges changes, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).UpdateSubscriptionAsync(project, queue, subscriptionId, changes, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteSubscriptionAsync(string project, string queue, string subscriptionId, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).DeleteSubscriptionAsync(project, queue, subscriptionId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask PurgeSubscriptionsAsync(string project, string queue, CancellationToken cancellationToken) =>
        await (await RouteAsync(project, queue, cancellationToken).ConfigureAwait(false)).PurgeSubscriptionsAsync(project, queue, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened.Values)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        if (!_leaveDefaultStoreOpen)
        {
            await _default.DisposeAsync().ConfigureAwait(false);
        }

        _catalog.Dispose();
        _opening.Dispose();
    }

    private ValueTask<IQueueStore> RouteAsync(string project, string queue, CancellationToken cancellationToken)
    {
        if (!_catalog.HasPlacements || _catalog.PlacementOf(project, queue) is not { } pool)
        {
            return ValueTask.FromResult(_default);
        }

        return PoolStoreAsync(pool, cancellationToken);
    }

    // A queue that is placed, or already on the default store, stays; a new one is placed by the catalog: without a
    // flavor on a pool without one (the default store when there is none), with a flavor on one of its pools.
    private async ValueTask<IQueueStore> PlaceAsync(string project, string queue, string? flavor, CancellationToken cancellationToken)
    {
        if (_catalog.PlacementOf(project, queue) is { } placed)
        {
            return await PoolStoreAsync(placed, cancellationToken).ConfigureAwait(false);
        }

        if (_catalog.Pools.Count == 0 || await _default.GetQueueMetadataAsync(project, queue, cancellationToken).ConfigureAwait(false) is not null)
        {
            return _default;
        }

        if (flavor is not null && _catalog.GetFlavor(flavor) is null)
        {
            throw new QueueException(QueueErrorKind.InvalidArgument, $"Flavor {flavor} does not exist", FlavorKey);
        }

        if (_catalog.Place(project, queue, flavor, _random) is { } pool)
        {
            return await PoolStoreAsync(pool, cancellationToken).ConfigureAwait(false);
        }

        return flavor is null
            ? _default
            : throw new QueueException(QueueErrorKind.InvalidArgument, $"Flavor {flavor} has no pool that takes new queues (weight above 0).", FlavorKey);
    }

    private static string? FlavorOf(QueueMetadata metadata)
    {
        if (metadata.Json.IsEmpty)
        {
            return null;
        }

        using var document = JsonDocument.Parse(metadata.Json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty(FlavorKey, out var flavor)
            && flavor.ValueKind == JsonValueKind.String ? flavor.GetString() : null;
    }
}
