using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Marconi.Client;

namespace Marconi.Tests.Client;

/// <summary>Every client call against a real server: the same tests run on our binary and on the reference Zaqar.</summary>
public abstract class ClientContractTests(IClientServer server)
{
    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string NewQueueName() => "q-" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Queue_create_metadata_patch_list_and_delete()
    {
        using var client = server.NewClient();
        var queue = client.Queue(NewQueueName());

        Assert.True(await queue.CreateAsync(new Dictionary<string, JsonElement> { ["team"] = Json("\"ops\""), ["_default_message_ttl"] = Json("120") }));
        Assert.False(await queue.CreateAsync());

        var metadata = await queue.GetMetadataAsync();
        Assert.Equal("ops", metadata.Values["team"].GetString());
        Assert.Equal(120, metadata.DefaultMessageTtl);

        var patched = await queue.PatchMetadataAsync([new MetadataPatch("add", "owner", Json("\"alice\"")), new MetadataPatch("replace", "team", Json("\"dev\""))]);
        Assert.Equal("alice", patched.Values["owner"].GetString());
        Assert.Equal("dev", patched.Values["team"].GetString());
        var conflict = await Assert.ThrowsAsync<MarconiConflictException>(() => queue.PatchMetadataAsync([new MetadataPatch("replace", "absent", Json("1"))]));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.False(string.IsNullOrEmpty(conflict.Title));

        var page = await client.ListQueuesAsync(detailed: true);
        var listed = Assert.Single(page.Queues, q => q.Name == queue.Name);
        Assert.Equal("alice", listed.Metadata!.Values["owner"].GetString());

        await queue.DeleteAsync();
        Assert.DoesNotContain((await client.ListQueuesAsync()).Queues, q => q.Name == queue.Name);
    }

    [Fact]
    public async Task Messages_post_get_list_page_delete_and_pop()
    {
        using var client = server.NewClient();
        var queue = client.Queue(NewQueueName());
        var ids = await queue.PostAsync([NewMessage.FromJson("""{"n":1}""", ttl: 600), NewMessage.FromJson("""{"n":2}"""), NewMessage.FromJson("3"), NewMessage.FromJson("\"four\"")]);
        Assert.Equal(4, ids.Count);

        var first = await queue.GetMessageAsync(ids[0]);
        Assert.Equal(ids[0], first.Id);
        Assert.Equal(1, first.Body.GetProperty("n").GetInt32());
        Assert.Equal(600, first.Ttl);
        Assert.Null(first.ClaimId);

        var some = await queue.GetMessagesAsync([ids[1], ids[2]]);
        Assert.Equal(new[] { ids[1], ids[2] }.Order(), some.Select(m => m.Id).Order());

        // Own messages are hidden without echo; pages of 2 follow the next marker.
        Assert.Empty((await queue.ListMessagesAsync()).Messages);
        var pageOne = await queue.ListMessagesAsync(new MessageListOptions(Limit: 2, Echo: true));
        Assert.Equal([ids[0], ids[1]], pageOne.Messages.Select(m => m.Id));
        var pageTwo = await queue.ListMessagesAsync(new MessageListOptions(Limit: 2, Marker: pageOne.NextMarker, Echo: true));
        Assert.Equal([ids[2], ids[3]], pageTwo.Messages.Select(m => m.Id));

        await queue.DeleteMessageAsync(ids[0]);
        await Assert.ThrowsAsync<MarconiNotFoundException>(() => queue.GetMessageAsync(ids[0]));
        await queue.DeleteMessagesAsync([ids[1]]);
        var popped = await queue.PopAsync(5);
        Assert.Equal(new[] { ids[2], ids[3] }.Order(), popped.Select(m => m.Id).Order());
        Assert.Equal(0, (await queue.GetStatsAsync()).Total);
    }

    [Fact]
    public async Task Claims_claim_get_renew_delete_with_claim_and_release()
    {
        using var client = server.NewClient();
        var queue = client.Queue(NewQueueName());
        Assert.Null(await queue.ClaimAsync());
        var ids = await queue.PostAsync([NewMessage.FromJson("1"), NewMessage.FromJson("2"), NewMessage.FromJson("3")]);

        var claim = await queue.ClaimAsync(ttl: 120, grace: 60, limit: 2);
        Assert.NotNull(claim);
        Assert.Equal(2, claim.Messages.Count);
        Assert.All(claim.Messages, m => Assert.Equal(claim.Id, m.ClaimId));

        var stats = await queue.GetStatsAsync();
        Assert.Equal((1L, 2L, 3L), (stats.Free, stats.Claimed, stats.Total));
        Assert.NotNull(stats.Oldest);
        Assert.NotNull(stats.Newest);
        Assert.EndsWith(ids[0], stats.Oldest.Href, StringComparison.Ordinal);

        var got = await queue.GetClaimAsync(claim.Id);
        Assert.Equal(120, got.Ttl);
        Assert.Equal(claim.Messages.Select(m => m.Id).Order(), got.Messages.Select(m => m.Id).Order());
        await queue.RenewClaimAsync(claim.Id, ttl: 300);
        Assert.Equal(300, (await queue.GetClaimAsync(claim.Id)).Ttl);

        // A claimed message cannot be deleted without its claim; with it, it can.
        var held = claim.Messages[0];
        var forbidden = await Assert.ThrowsAsync<MarconiApiException>(() => queue.DeleteMessageAsync(held.Id));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        await queue.DeleteMessageAsync(held.Id, held.ClaimId);

        await queue.ReleaseClaimAsync(claim.Id);
        await Assert.ThrowsAsync<MarconiNotFoundException>(() => queue.GetClaimAsync(claim.Id));
        var released = await queue.GetStatsAsync();
        Assert.Equal((2L, 0L), (released.Free, released.Claimed));
    }

    [Fact]
    public async Task Bad_input_is_a_typed_400_with_title()
    {
        using var client = server.NewClient();
        var queue = client.Queue(NewQueueName());
        var tooShort = await Assert.ThrowsAsync<MarconiApiException>(() => queue.ClaimAsync(ttl: 10));
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.Status);
        Assert.False(string.IsNullOrEmpty(tooShort.Title));
        var badName = await Assert.ThrowsAsync<MarconiApiException>(() => client.Queue("bad name!").CreateAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
    }

    [Fact]
    public async Task Ping_and_health()
    {
        // Zaqar routes /health for admins only; under noauth the role comes from X-Roles (ours ignores it).
        using var client = server.NewClient(headers: new Dictionary<string, string> { ["X-Roles"] = "admin" });
        Assert.True(await client.PingAsync());
        var health = await client.HealthAsync();
        Assert.True(health.StorageReachable);
    }

    [Fact]
    public async Task A_signed_url_lets_a_client_without_credentials_post_and_list_and_a_forged_one_is_404()
    {
        using var owner = server.NewClient();
        var queue = owner.Queue(NewQueueName());
        await queue.CreateAsync();
        var signed = await queue.ShareAsync(["messages"], ["GET", "POST"], DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(owner.Options.ProjectId, signed.Project);
        Assert.Equal(64, signed.Signature.Length);

        using var guest = server.NewClient(signed.Project, signed);
        var ids = await guest.Queue(queue.Name).PostAsync([NewMessage.FromJson("""{"via":"signed"}""")]);
        var listed = await guest.Queue(queue.Name).ListMessagesAsync(new MessageListOptions(Echo: true));
        Assert.Equal(ids, listed.Messages.Select(m => m.Id));

        using var forger = server.NewClient(signed.Project, signed with { Signature = new string('0', 64) });
        var refused = await Assert.ThrowsAsync<MarconiNotFoundException>(() => forger.Queue(queue.Name).ListMessagesAsync());
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
    }

    [Fact]
    public async Task A_client_made_from_a_shared_signed_url_document_posts_and_lists_and_may_not_do_what_it_was_not_signed_for()
    {
        using var owner = server.NewClient();
        var queue = owner.Queue(NewQueueName());
        await queue.CreateAsync();
        var shared = await queue.ShareAsync(["messages"], ["GET", "POST"], DateTimeOffset.UtcNow.AddHours(1));

        // What a holder receives is the share document; it carries the project, so nothing else is needed.
        var received = SignedUrl.FromJson(shared.ToJson());
        Assert.Equal(shared.Signature, received.Signature);
        using var holder = server.ClientFor(MarconiClientOptions.ForSignedUrl(server.BaseAddress, received));
        var guestQueue = holder.Queue(queue.Name);
        var ids = await guestQueue.PostAsync([NewMessage.FromJson("""{"via":"share document"}""")]);
        var listed = await guestQueue.ListMessagesAsync(new MessageListOptions(Echo: true));
        Assert.Equal(ids, listed.Messages.Select(m => m.Id));
        Assert.Equal("share document", listed.Messages[0].Body.GetProperty("via").GetString());

        // Not signed for claims, nor for DELETE: both are refused, and the message is still there.
        var claimRefused = await Assert.ThrowsAnyAsync<MarconiApiException>(() => guestQueue.ClaimAsync());
        Assert.True(claimRefused.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"claim under a messages-only URL answered {claimRefused.Status}");
        var deleteRefused = await Assert.ThrowsAnyAsync<MarconiApiException>(() => guestQueue.DeleteMessageAsync(ids[0]));
        Assert.True(deleteRefused.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"DELETE under a GET/POST URL answered {deleteRefused.Status}");
        Assert.Equal(1, (await queue.GetStatsAsync()).Total);
    }

    [Fact]
    public async Task Subscriptions_create_list_get_update_confirm_and_delete()
    {
        using var client = server.NewClient();
        var queue = client.Queue(NewQueueName());
        await queue.CreateAsync();
        var options = new Dictionary<string, JsonElement> { ["team"] = Json("\"ops\"") };

        var id = await queue.CreateSubscriptionAsync("http://127.0.0.1:9/hook", ttl: 3600, options);
        Assert.False(string.IsNullOrEmpty(id));
        var second = await queue.CreateSubscriptionAsync("mailto:ops@example.com", ttl: 600);

        var subscription = await queue.GetSubscriptionAsync(id);
        Assert.Equal((id, queue.Name, "http://127.0.0.1:9/hook", 3600), (subscription.Id, subscription.Source, subscription.Subscriber, subscription.Ttl));
        Assert.Equal("ops", subscription.Options.GetProperty("team").GetString());
        Assert.False(subscription.Confirmed);

        var page = await queue.ListSubscriptionsAsync();
        Assert.Equal(new[] { id, second }.Order(), page.Subscriptions.Select(s => s.Id).Order());
        var first = await queue.ListSubscriptionsAsync(limit: 1);
        var rest = await queue.ListSubscriptionsAsync(limit: 1, marker: first.NextMarker);
        Assert.Equal(new[] { id, second }.Order(), first.Subscriptions.Concat(rest.Subscriptions).Select(s => s.Id).Order());

        await queue.UpdateSubscriptionAsync(id, ttl: 7200, options: new Dictionary<string, JsonElement> { ["team"] = Json("\"dev\"") });
        var updated = await queue.GetSubscriptionAsync(id);
        Assert.Equal(7200, updated.Ttl);
        Assert.Equal("dev", updated.Options.GetProperty("team").GetString());

        // Unconfirmed, subscribing again gives the same id; confirmed, it is a conflict.
        Assert.Equal(id, await queue.CreateSubscriptionAsync("http://127.0.0.1:9/hook", ttl: 3600));
        await queue.ConfirmSubscriptionAsync(id);
        Assert.True((await queue.GetSubscriptionAsync(id)).Confirmed);
        await Assert.ThrowsAsync<MarconiConflictException>(() => queue.CreateSubscriptionAsync("http://127.0.0.1:9/hook", ttl: 3600));

        await queue.DeleteSubscriptionAsync(id);
        await Assert.ThrowsAsync<MarconiNotFoundException>(() => queue.GetSubscriptionAsync(id));
        await queue.DeleteSubscriptionAsync(id);
        Assert.Equal([second], (await queue.ListSubscriptionsAsync()).Subscriptions.Select(s => s.Id));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.UpdateSubscriptionAsync(second));
    }

    [Fact]
    public async Task Two_concurrent_consumers_take_every_message_exactly_once()
    {
        const int count = 30;
        using var producer = server.NewClient();
        var queue = producer.Queue(NewQueueName());
        var posted = new List<string>();
        for (var batch = 0; batch < count / 10; batch++)
        {
            posted.AddRange(await queue.PostAsync(Enumerable.Range(batch * 10, 10).Select(i => NewMessage.FromJson(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        }

        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        async Task ConsumeAsync()
        {
            using var consumer = server.NewClient(producer.Options.ProjectId);
            var options = new ConsumeOptions(ClaimTtl: 60, ClaimGrace: 60, BatchSize: 4, MinPollDelay: TimeSpan.FromMilliseconds(20), MaxPollDelay: TimeSpan.FromMilliseconds(200));
            try
            {
                await foreach (var message in consumer.Queue(queue.Name).ConsumeAsync(options, stop.Token))
                {
                    seen.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        var consumers = Task.WhenAll(ConsumeAsync(), ConsumeAsync());
        while (!stop.IsCancellationRequested && (await queue.GetStatsAsync()).Total > 0)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await consumers;
        Assert.Equal(posted.Order(), seen.Keys.Order());
        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, (await queue.GetStatsAsync()).Total);
    }
}

/// <summary>The client contract against our server binary.</summary>
public sealed class OurServerClientTests(OurServerFixture server) : ClientContractTests(server), IClassFixture<OurServerFixture>;

/// <summary>The client contract against the reference Zaqar 15 (interop/zaqar-reference/run.sh).</summary>
public sealed class ReferenceZaqarClientTests(ReferenceZaqarFixture server) : ClientContractTests(server), IClassFixture<ReferenceZaqarFixture>;
