using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>Queue names, creation, listing, deletion, purge and stats.</summary>
public class QueueTests : EngineTestBase
{
    [Fact]
    public async Task Name_of_64_characters_is_accepted_and_65_is_rejected()
    {
        var name64 = new string('q', 64);
        Assert.True(await Engine.CreateQueueAsync(Project, name64));
        Assert.True(await Engine.QueueExistsAsync(Project, name64));

        var name65 = new string('q', 65);
        await AssertInvalid("queue_name", () => Engine.CreateQueueAsync(Project, name65));
        await AssertInvalid("queue_name", () => Engine.PostMessagesAsync(Project, name65, [Msg("1")], Poster));
        await AssertInvalid("queue_name", () => Engine.GetQueueStatsAsync(Project, name65));

        var page = await Engine.ListQueuesAsync(Project);
        Assert.Equal([name64], page.Queues.Select(q => q.Name));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Az09_.-")]
    [InlineData("...")]
    [InlineData("UPPER-lower_1.2")]
    public async Task Names_made_of_letters_digits_underscore_dot_and_dash_are_accepted(string name)
    {
        Assert.True(await Engine.CreateQueueAsync(Project, name));
        Assert.True(await Engine.QueueExistsAsync(Project, name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("émoji")]
    [InlineData("star*")]
    [InlineData("colon:")]
    public async Task Names_with_other_characters_are_rejected(string name)
    {
        await AssertInvalid("queue_name", () => Engine.CreateQueueAsync(Project, name));
        var page = await Engine.ListQueuesAsync(Project, new QueueListOptions { WithCount = true });
        Assert.Empty(page.Queues);
        Assert.Equal(0, page.Count);
    }

    [Fact]
    public async Task Creating_an_existing_queue_answers_false_and_keeps_its_metadata()
    {
        Assert.True(await Engine.CreateQueueAsync(Project, "q", Utf8("""{"color":"red"}""")));
        Assert.False(await Engine.CreateQueueAsync(Project, "q", Utf8("""{"color":"blue"}""")));

        var metadata = Json(await Engine.GetQueueMetadataAsync(Project, "q"));
        Assert.Equal("red", metadata.GetProperty("color").GetString());
    }

    [Fact]
    public async Task A_queue_is_created_lazily_by_the_first_post()
    {
        Assert.False(await Engine.QueueExistsAsync(Project, "lazy"));
        await PostAsync("lazy", "1");
        Assert.True(await Engine.QueueExistsAsync(Project, "lazy"));

        var page = await Engine.ListQueuesAsync(Project);
        Assert.Equal(["lazy"], page.Queues.Select(q => q.Name));
    }

    [Fact]
    public async Task Reading_a_missing_queue_does_not_create_it()
    {
        Assert.Empty((await ListAsync("ghost", echo: true, includeClaimed: true, includeDelayed: true)).Messages);
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "ghost"));
        Assert.Empty(await Engine.PopMessagesAsync(Project, "ghost", 5));
        var stats = await Engine.GetQueueStatsAsync(Project, "ghost");
        Assert.Equal(0, stats.Total);
        await Engine.GetQueueMetadataAsync(Project, "ghost");

        Assert.False(await Engine.QueueExistsAsync(Project, "ghost"));
        Assert.Empty((await Engine.ListQueuesAsync(Project)).Queues);
    }

    [Fact]
    public async Task Queues_are_listed_sorted_by_name_and_paged_with_a_marker()
    {
        var names = Enumerable.Range(0, 25).Select(i => $"queue-{i:D2}").ToArray();
        foreach (var name in names.Reverse())
        {
            await Engine.CreateQueueAsync(Project, name);
        }

        var seen = new List<string>();
        string? marker = null;
        var pages = 0;
        while (true)
        {
            var page = await Engine.ListQueuesAsync(Project, new QueueListOptions { Marker = marker, Limit = 10 });
            if (page.Queues.Count == 0)
            {
                break;
            }

            Assert.True(page.Queues.Count <= 10);
            seen.AddRange(page.Queues.Select(q => q.Name));
            Assert.Equal(page.Queues[^1].Name, page.NextMarker);
            marker = page.NextMarker;
            pages++;
            Assert.True(pages < 10, "The queue listing does not end.");
        }

        Assert.Equal(3, pages);
        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task Queue_listing_uses_a_default_of_10_and_accepts_at_most_20()
    {
        for (var i = 0; i < 22; i++)
        {
            await Engine.CreateQueueAsync(Project, $"q{i:D2}");
        }

        Assert.Equal(10, (await Engine.ListQueuesAsync(Project)).Queues.Count);
        Assert.Equal(20, (await Engine.ListQueuesAsync(Project, new QueueListOptions { Limit = 20 })).Queues.Count);
        var error = await AssertInvalid("limit", () => Engine.ListQueuesAsync(Project, new QueueListOptions { Limit = 21 }));
        Assert.Equal(20, error.Limit);
        await AssertInvalid("limit", () => Engine.ListQueuesAsync(Project, new QueueListOptions { Limit = 0 }));
    }

    [Fact]
    public async Task Queue_listing_marker_need_not_exist_and_sorts_by_ordinal_name()
    {
        foreach (var name in new[] { "b", "a", "c", "B", "A" })
        {
            await Engine.CreateQueueAsync(Project, name);
        }

        var all = await Engine.ListQueuesAsync(Project, new QueueListOptions { Limit = 20 });
        Assert.Equal(["A", "B", "a", "b", "c"], all.Queues.Select(q => q.Name));

        var afterAb = await Engine.ListQueuesAsync(Project, new QueueListOptions { Marker = "ab" });
        Assert.Equal(["b", "c"], afterAb.Queues.Select(q => q.Name));

        var afterLast = await Engine.ListQueuesAsync(Project, new QueueListOptions { Marker = "c" });
        Assert.Empty(afterLast.Queues);
    }

    [Fact]
    public async Task Queue_listing_filters_by_name_prefix_and_counts_the_matches()
    {
        foreach (var name in new[] { "orders-1", "orders-2", "orders-3", "ordersX", "invoices", "order" })
        {
            await Engine.CreateQueueAsync(Project, name);
        }

        var page = await Engine.ListQueuesAsync(Project, new QueueListOptions { NamePrefix = "orders-", Limit = 2, WithCount = true });
        Assert.Equal(["orders-1", "orders-2"], page.Queues.Select(q => q.Name));
        Assert.Equal(3, page.Count);

        var next = await Engine.ListQueuesAsync(Project, new QueueListOptions { NamePrefix = "orders-", Limit = 2, Marker = page.NextMarker, WithCount = true });
        Assert.Equal(["orders-3"], next.Queues.Select(q => q.Name));
        Assert.Equal(3, next.Count);

        var all = await Engine.ListQueuesAsync(Project, new QueueListOptions { WithCount = true });
        Assert.Equal(6, all.Count);

        var withoutCount = await Engine.ListQueuesAsync(Project);
        Assert.Null(withoutCount.Count);

        await AssertInvalid("name", () => Engine.ListQueuesAsync(Project, new QueueListOptions { NamePrefix = "bad prefix" }));
    }

    [Fact]
    public async Task Detailed_listing_carries_each_queues_metadata()
    {
        await Engine.CreateQueueAsync(Project, "plain");
        await Engine.CreateQueueAsync(Project, "rich", Utf8("""{"owner":"ops","n":3}"""));

        var detailed = await Engine.ListQueuesAsync(Project, new QueueListOptions { Detailed = true });
        var rich = Json(detailed.Queues.Single(q => q.Name == "rich").Metadata);
        Assert.Equal("ops", rich.GetProperty("owner").GetString());
        Assert.Equal(3, rich.GetProperty("n").GetInt32());
        var plain = Json(detailed.Queues.Single(q => q.Name == "plain").Metadata);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, plain.ValueKind);
        Assert.False(plain.TryGetProperty("owner", out _));

        var brief = await Engine.ListQueuesAsync(Project);
        Assert.All(brief.Queues, q => Assert.True(q.Metadata.IsEmpty));
    }

    [Fact]
    public async Task Deleting_a_queue_removes_its_messages_claims_and_metadata()
    {
        await Engine.CreateQueueAsync(Project, "doomed", Utf8("""{"keep":"no"}"""));
        var ids = await PostNumberedAsync("doomed", 5);
        var claim = await Engine.ClaimMessagesAsync(Project, "doomed", new ClaimOptions(Limit: 2));
        Assert.NotNull(claim);

        Assert.True(await Engine.DeleteQueueAsync(Project, "doomed"));
        Assert.False(await Engine.QueueExistsAsync(Project, "doomed"));
        Assert.Empty((await Engine.ListQueuesAsync(Project)).Queues);
        Assert.False(await Engine.DeleteQueueAsync(Project, "doomed"));

        // A queue of the same name starts from nothing.
        Assert.True(await Engine.CreateQueueAsync(Project, "doomed"));
        Assert.False(Json(await Engine.GetQueueMetadataAsync(Project, "doomed")).TryGetProperty("keep", out _));
        Assert.Empty(await ListAllAsync("doomed"));
        Assert.Empty(await Engine.GetMessagesAsync(Project, "doomed", ids));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "doomed", claim.ClaimId));
        Assert.False(await Engine.ReleaseClaimAsync(Project, "doomed", claim.ClaimId));
        var stats = await Engine.GetQueueStatsAsync(Project, "doomed");
        Assert.Equal((0, 0), (stats.Claimed, stats.Free));
    }

    [Fact]
    public async Task Deleting_a_missing_queue_answers_false()
    {
        Assert.False(await Engine.DeleteQueueAsync(Project, "never"));
    }

    [Fact]
    public async Task Deleting_one_queue_leaves_the_others_alone()
    {
        var keptIds = await PostNumberedAsync("kept", 3);
        await PostNumberedAsync("gone", 3);

        Assert.True(await Engine.DeleteQueueAsync(Project, "gone"));
        Assert.Equal(keptIds, await AllIdsAsync("kept"));
        Assert.Equal(["kept"], (await Engine.ListQueuesAsync(Project)).Queues.Select(q => q.Name));
    }

    [Fact]
    public async Task Purge_removes_messages_and_claims_but_keeps_the_queue_and_its_metadata()
    {
        await Engine.CreateQueueAsync(Project, "p", Utf8("""{"_default_message_ttl":120,"label":"x"}"""));
        var ids = await PostNumberedAsync("p", 6);
        var claim = await Engine.ClaimMessagesAsync(Project, "p", new ClaimOptions(Limit: 3));
        Assert.NotNull(claim);

        await Engine.PurgeQueueAsync(Project, "p");

        Assert.True(await Engine.QueueExistsAsync(Project, "p"));
        var metadata = Json(await Engine.GetQueueMetadataAsync(Project, "p"));
        Assert.Equal("x", metadata.GetProperty("label").GetString());
        Assert.Equal(120, metadata.GetProperty("_default_message_ttl").GetInt32());
        Assert.Empty(await ListAllAsync("p"));
        Assert.Empty(await Engine.GetMessagesAsync(Project, "p", ids));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "p", claim.ClaimId));
        var stats = await Engine.GetQueueStatsAsync(Project, "p");
        Assert.Equal((0L, 0L, 0L), (stats.Claimed, stats.Free, stats.Total));
        Assert.Null(stats.Oldest);
        Assert.Null(stats.Newest);

        // The queue still works, with its settings.
        var fresh = await PostAsync("p", "\"after\"");
        var message = await Engine.GetMessageAsync(Project, "p", Assert.Single(fresh));
        Assert.Equal(120, message.Ttl);
        Assert.DoesNotContain(fresh[0], ids);
    }

    [Fact]
    public async Task Stats_count_claimed_and_free_messages_and_name_the_oldest_and_newest()
    {
        var empty = await Engine.GetQueueStatsAsync(Project, "s");
        Assert.Equal((0L, 0L, 0L), (empty.Claimed, empty.Free, empty.Total));
        Assert.Null(empty.Oldest);
        Assert.Null(empty.Newest);

        var t0 = Harness.Clock.GetUtcNow();
        var first = await PostNumberedAsync("s", 3);
        Advance(10);
        var second = await PostNumberedAsync("s", 2, first: 3);
        Advance(5);
        // A delayed message counts as free.
        var delayed = await Engine.PostMessagesAsync(Project, "s", [Msg("\"late\"", delay: 600)], Poster);

        var claim = await Engine.ClaimMessagesAsync(Project, "s", new ClaimOptions(Limit: 2));
        Assert.NotNull(claim);
        Assert.Equal(first.Take(2), claim.Messages.Select(m => m.Id));

        var stats = await Engine.GetQueueStatsAsync(Project, "s");
        Assert.Equal(2, stats.Claimed);
        Assert.Equal(4, stats.Free);
        Assert.Equal(6, stats.Total);
        Assert.NotNull(stats.Oldest);
        Assert.NotNull(stats.Newest);
        Assert.Equal(first[0], stats.Oldest.Id);
        Assert.Equal(t0, stats.Oldest.CreatedAt);
        Assert.Equal(15, stats.Oldest.Age);
        Assert.Equal(delayed[0], stats.Newest.Id);
        Assert.Equal(t0.AddSeconds(15), stats.Newest.CreatedAt);
        Assert.Equal(0, stats.Newest.Age);

        // Deleting the oldest moves "oldest" on; ages grow with the clock.
        await Engine.DeleteMessageAsync(Project, "s", first[0], claim.ClaimId);
        Advance(7);
        stats = await Engine.GetQueueStatsAsync(Project, "s");
        Assert.Equal((1L, 4L, 5L), (stats.Claimed, stats.Free, stats.Total));
        Assert.Equal(first[1], stats.Oldest!.Id);
        Assert.Equal(22, stats.Oldest.Age);
        Assert.Equal(7, stats.Newest!.Age);
        Assert.Contains(second[0], await AllIdsAsync("s"));
    }

    [Fact]
    public async Task Stats_forget_expired_messages_and_expired_claims()
    {
        await Engine.PostMessagesAsync(Project, "s", [Msg("1", ttl: 60), Msg("2", ttl: 600)], Poster);
        var claim = await Engine.ClaimMessagesAsync(Project, "s", new ClaimOptions(Limit: 1, Ttl: 60, Grace: 60));
        Assert.NotNull(claim);

        Advance(60);
        // The claim expired at 60 s; its message lives until 120 s (ttl + grace) and is free again.
        var stats = await Engine.GetQueueStatsAsync(Project, "s");
        Assert.Equal((0L, 2L), (stats.Claimed, stats.Free));

        Advance(60);
        stats = await Engine.GetQueueStatsAsync(Project, "s");
        Assert.Equal((0L, 1L), (stats.Claimed, stats.Free));
        Assert.Equal(stats.Oldest!.Id, stats.Newest!.Id);
    }

    [Fact]
    public async Task Project_ids_are_validated()
    {
        await AssertInvalid("project", () => Engine.CreateQueueAsync("", "q"));
        await AssertInvalid("project", () => Engine.CreateQueueAsync("has space", "q"));
        await AssertInvalid("project", () => Engine.CreateQueueAsync(new string('p', 257), "q"));
        Assert.True(await Engine.CreateQueueAsync(new string('p', 256), "q"));
    }
}
