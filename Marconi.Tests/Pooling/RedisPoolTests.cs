using System.Text.Json;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Http.Api;
using Marconi.Server;
using Marconi.Tests.Http.Api;
using Marconi.Tests.Support;

namespace Marconi.Tests.Pooling;

/// <summary>
/// A <c>redis://</c> pool registered through the admin API on a real redis-server: queues placed on it keep their
/// messages in Redis, and a URI whose credentials are refused is a 400 that never echoes the password.
/// </summary>
public sealed class RedisPoolTests : AdminPoolingTests
{
    private readonly string _prefix = "pool-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Queues_placed_on_a_redis_pool_keep_their_messages_in_redis()
    {
        // The comma form of the issue (options after the port) is accepted and stored in the query form.
        var uri = $"redis://{RedisServerProcess.Shared.Endpoint},prefix={_prefix}";
        Assert.Equal(201, (await SendAsync("PUT", "/v2/pools/r", $$"""{"uri": "{{uri}}", "weight": 1}""")).Status);
        var stored = (await SendAsync("GET", "/v2/pools/r?detailed=true")).Json.GetProperty("uri").GetString();
        Assert.Equal(StoreUriText.Normalize(uri), stored);

        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/on-redis")).Status);
        Assert.Equal("r", Pools.Store.Catalog.PlacementOf("pool-project", "on-redis"));
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/on-redis/messages", """{"messages": [{"body": {"n": 1}}, {"body": {"n": 2}}]}""")).Status);

        // Read back from Redis directly, not through the pooled store.
        await using var redis = await new RedisStoreFactory().OpenAsync(new Uri(stored!), CancellationToken.None);
        var page = await redis.ListMessagesAsync("pool-project", "on-redis", new MessageQuery(null, 10, Guid.NewGuid(), Echo: true, IncludeClaimed: true, IncludeDelayed: true), CancellationToken.None);
        Assert.Equal([1, 2], page.Messages.Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task A_redis_pool_whose_password_is_refused_is_a_400_that_does_not_echo_the_password()
    {
        // A server of its own that requires a password other than the one the pool URI gives.
        using var locked = RedisServerProcess.Start(appendFsyncAlways: false);
        locked.Cli("CONFIG", "SET", "requirepass", "the-right-one");
        const string password = "s3cret-never-shown";
        var response = await SendAsync("PUT", "/v2/pools/locked", $$"""{"uri": "redis://:{{password}}@{{locked.Endpoint}}/?prefix={{_prefix}}", "weight": 1}""");
        Assert.Equal(400, response.Status);
        Assert.DoesNotContain(password, response.Text, StringComparison.Ordinal);
        Assert.Contains("cannot connect", response.Text, StringComparison.Ordinal);
        Assert.Equal(404, (await SendAsync("GET", "/v2/pools/locked")).Status);
    }
}
