using System.Text;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Pooling;
using Marconi.Server;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;
using Xunit;

namespace Marconi.Tests.Pooling;

public sealed class PooledQueueStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly StoreUriResolver Resolver = new([new FasterStoreFactory()]);

    private static string FileUri(string dir) => new Uri(dir).AbsoluteUri;

    private static QueueMetadata WithFlavor(string flavor) =>
        new(Encoding.UTF8.GetBytes($"{{\"_flavor\":\"{flavor}\"}}"), QueueSettings.None);

    private static async Task<PooledQueueStore> OpenAsync(TempDirectory root, int seed = 1) =>
        new(await FasterQueueStore.OpenAsync(Path.Combine(root.Path, "default")), PoolCatalog.Open(root.Path), Resolver, new Random(seed));

    [Fact]
    public async Task Messages_of_queues_on_two_pools_land_in_each_pools_directory()
    {
        using var root = new TempDirectory();
        var dirA = Path.Combine(root.Path, "a");
        var dirB = Path.Combine(root.Path, "b");
        await using (var store = await OpenAsync(root))
        {
            store.Catalog.PutPool(new PoolDefinition("a", FileUri(dirA), 1, null, "{}"));
            store.Catalog.PutPool(new PoolDefinition("b", FileUri(dirB), 1, null, "{}"));
            Assert.Equal(CatalogOutcome.Created, store.Catalog.PutFlavor(new FlavorDefinition("fa", "{}"), ["a"], out _));
            Assert.Equal(CatalogOutcome.Created, store.Catalog.PutFlavor(new FlavorDefinition("fb", "{}"), ["b"], out _));
            Assert.True(await store.CreateQueueAsync("p", "qa", WithFlavor("fa"), None));
            Assert.True(await store.CreateQueueAsync("p", "qb", WithFlavor("fb"), None));
            await store.PostMessagesAsync("p", "qa", Guid.NewGuid(), [new MessageDraft("\"to-a\""u8.ToArray(), 300, 0)], WriteDurability.Durable, None);
            await store.PostMessagesAsync("p", "qb", Guid.NewGuid(), [new MessageDraft("\"to-b\""u8.ToArray(), 300, 0)], WriteDurability.Durable, None);
            Assert.Equal("a", store.Catalog.PlacementOf("p", "qa"));
            Assert.Equal("b", store.Catalog.PlacementOf("p", "qb"));
        }

        var query = new MessageQuery(null, 10, Guid.NewGuid(), Echo: true, IncludeClaimed: true, IncludeDelayed: true);
        await using (var a = await FasterQueueStore.OpenAsync(dirA))
        {
            var page = await a.ListMessagesAsync("p", "qa", query, None);
            Assert.Equal("\"to-a\"", Encoding.UTF8.GetString(Assert.Single(page.Messages).Body.Span));
            Assert.Null(await a.GetQueueMetadataAsync("p", "qb", None));
        }

        await using (var b = await FasterQueueStore.OpenAsync(dirB))
        {
            var page = await b.ListMessagesAsync("p", "qb", query, None);
            Assert.Equal("\"to-b\"", Encoding.UTF8.GetString(Assert.Single(page.Messages).Body.Span));
            Assert.Null(await b.GetQueueMetadataAsync("p", "qa", None));
        }
    }

    [Fact]
    public async Task Weight_zero_pools_never_take_queues_and_placements_survive_reopening()
    {
        using var root = new TempDirectory();
        await using (var store = await OpenAsync(root))
        {
            store.Catalog.PutPool(new PoolDefinition("idle", FileUri(Path.Combine(root.Path, "idle")), 0, null, "{}"));
            store.Catalog.PutPool(new PoolDefinition("busy", FileUri(Path.Combine(root.Path, "busy")), 5, null, "{\"k\":1}"));
            for (var i = 0; i < 20; i++)
            {
                await store.CreateQueueAsync("p", $"q{i:D2}", QueueMetadata.Empty, None);
            }
        }

        await using (var reopened = await OpenAsync(root))
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal("busy", reopened.Catalog.PlacementOf("p", $"q{i:D2}"));
                Assert.NotNull(await reopened.GetQueueMetadataAsync("p", $"q{i:D2}", None));
            }

            Assert.Equal("{\"k\":1}", reopened.Catalog.GetPool("busy")!.OptionsJson);
            Assert.True(reopened.Catalog.IsInUse("busy"));
            Assert.False(reopened.Catalog.IsInUse("idle"));
        }
    }

    [Fact]
    public async Task Listing_merges_queues_of_all_pools_by_name_with_marker_and_limit()
    {
        using var root = new TempDirectory();
        await using var store = await OpenAsync(root);
        await store.CreateQueueAsync("p", "b-default", QueueMetadata.Empty, None);
        store.Catalog.PutPool(new PoolDefinition("x", FileUri(Path.Combine(root.Path, "x")), 1, null, "{}"));
        store.Catalog.PutPool(new PoolDefinition("y", FileUri(Path.Combine(root.Path, "y")), 1, null, "{}"));
        store.Catalog.PutFlavor(new FlavorDefinition("fx", "{}"), ["x"], out _);
        store.Catalog.PutFlavor(new FlavorDefinition("fy", "{}"), ["y"], out _);
        await store.CreateQueueAsync("p", "a-x", WithFlavor("fx"), None);
        await store.CreateQueueAsync("p", "c-y", WithFlavor("fy"), None);
        await store.CreateQueueAsync("p", "d-x", WithFlavor("fx"), None);
        await store.CreateQueueAsync("other", "a-other", WithFlavor("fy"), None);

        var first = await store.ListQueuesAsync("p", null, 3, null, false, withCount: true, None);
        Assert.Equal(["a-x", "b-default", "c-y"], first.Queues.Select(q => q.Name));
        Assert.Equal(4, first.Count);
        var second = await store.ListQueuesAsync("p", first.NextMarker, 3, null, false, false, None);
        Assert.Equal(["d-x"], second.Queues.Select(q => q.Name));
    }

    [Fact]
    public async Task A_queue_created_before_pools_existed_stays_on_the_default_store()
    {
        using var root = new TempDirectory();
        await using var store = await OpenAsync(root);
        await store.CreateQueueAsync("p", "old", QueueMetadata.Empty, None);
        store.Catalog.PutPool(new PoolDefinition("x", FileUri(Path.Combine(root.Path, "x")), 1, null, "{}"));
        await store.PostMessagesAsync("p", "old", Guid.NewGuid(), [new MessageDraft("1"u8.ToArray(), 300, 0)], WriteDurability.Durable, None);
        Assert.Null(store.Catalog.PlacementOf("p", "old"));
        Assert.Equal(1, (await store.GetQueueStatsAsync("p", "old", None)).Free);

        await store.PostMessagesAsync("p", "new", Guid.NewGuid(), [new MessageDraft("1"u8.ToArray(), 300, 0)], WriteDurability.Durable, None);
        Assert.Equal("x", store.Catalog.PlacementOf("p", "new"));
        Assert.True(await store.DeleteQueueAsync("p", "new", None));
        Assert.Null(store.Catalog.PlacementOf("p", "new"));
    }

    [Fact]
    public void A_redis_uri_has_no_driver_in_this_build_and_a_relative_file_uri_is_refused()
    {
        var redis = Assert.Throws<ArgumentException>(() => Resolver.Validate("redis://127.0.0.1:6379"));
        Assert.StartsWith("No driver for redis:// in this build.", redis.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Resolver.Validate("not a uri"));
        Assert.Throws<ArgumentException>(() => Resolver.Validate("file://host/share"));
    }

    [Fact]
    public void A_torn_last_catalog_record_is_cut_off_and_the_rest_kept()
    {
        using var root = new TempDirectory();
        using (var catalog = PoolCatalog.Open(root.Path))
        {
            catalog.PutPool(new PoolDefinition("kept", "file:///tmp/kept", 3, null, "{}"));
            catalog.PutFlavor(new FlavorDefinition("gold", "{\"durable\":true}"), ["kept"], out _);
        }

        File.AppendAllText(Path.Combine(root.Path, PoolCatalog.FileName), "{\"op\":\"pool\",\"name\":\"tor");
        using (var catalog = PoolCatalog.Open(root.Path))
        {
            Assert.Equal("kept", Assert.Single(catalog.Pools).Name);
            Assert.Equal("{\"durable\":true}", catalog.GetFlavor("gold")!.CapabilitiesJson);
            Assert.Equal("gold", catalog.GetPool("kept")!.Flavor);
            catalog.PutPool(new PoolDefinition("after", "file:///tmp/after", 1, null, "{}"));
        }

        using var last = PoolCatalog.Open(root.Path);
        Assert.Equal(["after", "kept"], last.Pools.Select(p => p.Name));
        Assert.Equal(CatalogOutcome.Deleted, last.DeletePool("after"));
        Assert.Equal(CatalogOutcome.NotFound, last.DeletePool("after"));
    }
}
