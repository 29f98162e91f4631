using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>Posting, listing, getting, deleting and popping messages.</summary>
public class MessageTests : EngineTestBase
{
    [Fact]
    public async Task Bodies_come_back_byte_for_byte()
    {
        var bodies = new[]
        {
            "{\"b\": 1.50,   \"x\":\"é\" ,\n\t\"z\" : [ 1 ,2 ] }",
            "\"plain string\"",
            "1e3",
            "-0.0",
            "null",
            "true",
            "[]",
            "\"\\u00e9\\n\"",
            "{\"big\":12345678901234567890123}",
        };

        var ids = await PostAsync("q", bodies);
        Assert.Equal(bodies.Length, ids.Count);

        for (var i = 0; i < bodies.Length; i++)
        {
            var message = await Engine.GetMessageAsync(Project, "q", ids[i]);
            Assert.Equal(Utf8(bodies[i]), message.Body.ToArray());
        }

        var listed = await ListAllAsync("q");
        Assert.Equal(bodies.Select(Utf8), listed.Select(m => m.Body.ToArray()));
    }

    [Fact]
    public async Task Large_and_repetitive_bodies_come_back_intact()
    {
        var large = "{\"data\":\"" + string.Concat(Enumerable.Repeat("abcdefghij", 20_000)) + "\"}";
        var noisy = "[" + string.Join(",", Enumerable.Range(0, 5000).Select(i => (i * 7919 % 10007).ToString())) + "]";
        var ids = await PostAsync("q", large, noisy);

        Assert.Equal(Utf8(large), (await Engine.GetMessageAsync(Project, "q", ids[0])).Body.ToArray());
        Assert.Equal(Utf8(noisy), (await Engine.GetMessageAsync(Project, "q", ids[1])).Body.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("undefined")]
    [InlineData("'single'")]
    [InlineData("/* c */ 1")]
    public async Task Bodies_that_are_not_one_JSON_value_are_rejected(string body)
    {
        await AssertInvalid("body", () => Engine.PostMessagesAsync(Project, "q", [Msg(body)], Poster));
        Assert.False(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Fact]
    public async Task Ids_are_unique_and_a_message_records_ttl_creation_time_client_and_no_claim()
    {
        var client = Guid.NewGuid();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.AddRange(await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 100), Msg("2", ttl: 200)], client));
        }

        Assert.Equal(10, ids.Distinct().Count());
        var message = await Engine.GetMessageAsync(Project, "q", ids[1]);
        Assert.Equal(ids[1], message.Id);
        Assert.Equal(200, message.Ttl);
        Assert.Equal(EngineHarness.Start, message.CreatedAt);
        Assert.Equal(0, message.Age);
        Assert.Equal(client, message.ClientId);
        Assert.Null(message.ClaimId);
        Assert.Equal(0, message.ClaimCount);
    }

    [Fact]
    public async Task Ids_stay_unique_across_queues_and_after_deletions()
    {
        var a = await PostNumberedAsync("a", 5);
        await Engine.DeleteMessagesAsync(Project, "a", a);
        await Engine.DeleteQueueAsync(Project, "a");
        var b = await PostNumberedAsync("b", 5);
        var a2 = await PostNumberedAsync("a", 5);

        Assert.Equal(15, a.Concat(b).Concat(a2).Distinct().Count());
    }

    [Fact]
    public async Task Age_counts_whole_seconds_since_acceptance()
    {
        var ids = await PostAsync("q", "1");
        Advance(41.9);
        var message = await Engine.GetMessageAsync(Project, "q", ids[0]);
        Assert.Equal(41, message.Age);
        Assert.Equal(EngineHarness.Start, message.CreatedAt);
        Assert.Equal(41, Assert.Single((await ListAsync("q")).Messages).Age);
    }

    [Fact]
    public async Task Ttl_of_59_is_rejected_and_60_is_accepted()
    {
        var error = await AssertInvalid("ttl", () => Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 59)], Poster));
        Assert.Equal(60, error.Limit);

        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 60)], Poster);
        Assert.Equal(60, (await Engine.GetMessageAsync(Project, "q", ids[0])).Ttl);
    }

    [Fact]
    public async Task Ttl_of_1209600_is_accepted_and_1209601_is_rejected()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 1_209_600)], Poster);
        Assert.Equal(1_209_600, (await Engine.GetMessageAsync(Project, "q", ids[0])).Ttl);

        var error = await AssertInvalid("ttl", () => Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 1_209_601)], Poster));
        Assert.Equal(1_209_600, error.Limit);
    }

    [Fact]
    public async Task A_message_is_visible_until_just_before_its_ttl_and_gone_at_the_instant_it_expires()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("\"short\"", ttl: 60), Msg("\"long\"", ttl: 61)], Poster);

        Harness.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(ids, await AllIdsAsync("q"));
        Assert.Equal(ids[0], (await Engine.GetMessageAsync(Project, "q", ids[0])).Id);

        Harness.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([ids[1]], await AllIdsAsync("q"));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(Project, "q", ids[0]));
        Assert.Equal([ids[1]], (await Engine.GetMessagesAsync(Project, "q", ids)).Select(m => m.Id));
        Assert.Null((await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 20)))?.Messages.FirstOrDefault(m => m.Id == ids[0]));
        Assert.False(await Engine.DeleteMessageAsync(Project, "q", ids[0]));
        Assert.Equal(1, (await Engine.GetQueueStatsAsync(Project, "q")).Total);
    }

    [Fact]
    public async Task Delay_hides_a_message_from_listing_and_claiming_until_it_passes()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("\"d\"", delay: 900), Msg("\"n\"", delay: 0)], Poster);

        Assert.Equal([ids[1]], (await ListAsync("q")).Messages.Select(m => m.Id));
        Assert.Equal(ids, (await ListAsync("q", includeDelayed: true)).Messages.Select(m => m.Id));

        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 20));
        Assert.Equal([ids[1]], claim!.Messages.Select(m => m.Id));
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "q"));
        Assert.True(await Engine.DeleteMessageAsync(Project, "q", ids[1], claim.ClaimId));

        Advance(899);
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "q"));
        Advance(1);
        var late = await Engine.ClaimMessagesAsync(Project, "q");
        Assert.Equal([ids[0]], late!.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Delay_of_901_and_negative_delay_are_rejected()
    {
        var error = await AssertInvalid("delay", () => Engine.PostMessagesAsync(Project, "q", [Msg("1", delay: 901)], Poster));
        Assert.Equal(900, error.Limit);
        await AssertInvalid("delay", () => Engine.PostMessagesAsync(Project, "q", [Msg("1", delay: -1)], Poster));
        Assert.False(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Fact]
    public async Task A_delayed_message_still_expires_with_its_ttl_counted_from_acceptance()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 120, delay: 60)], Poster);
        Advance(60);
        Assert.Equal(ids, (await ListAsync("q")).Messages.Select(m => m.Id));
        Advance(60);
        Assert.Empty((await ListAsync("q", includeDelayed: true)).Messages);
    }

    [Fact]
    public async Task A_batch_with_one_invalid_message_stores_nothing()
    {
        var existing = await PostNumberedAsync("q", 2);

        await AssertInvalid("ttl", () => Engine.PostMessagesAsync(Project, "q", [Msg("1"), Msg("2"), Msg("3", ttl: 10)], Poster));
        await AssertInvalid("body", () => Engine.PostMessagesAsync(Project, "q", [Msg("1"), Msg("{broken")], Poster));
        await AssertInvalid("delay", () => Engine.PostMessagesAsync(Project, "q", [Msg("1", delay: 1000), Msg("2")], Poster));

        Assert.Equal(existing, await AllIdsAsync("q"));
        Assert.Equal(2, (await Engine.GetQueueStatsAsync(Project, "q")).Total);

        await AssertInvalid("ttl", () => Engine.PostMessagesAsync(Project, "fresh", [Msg("1"), Msg("2", ttl: 59)], Poster));
        Assert.False(await Engine.QueueExistsAsync(Project, "fresh"));
    }

    [Fact]
    public async Task An_empty_batch_is_rejected()
    {
        await AssertInvalid("messages", () => Engine.PostMessagesAsync(Project, "q", [], Poster));
        Assert.False(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Fact]
    public async Task A_post_may_carry_262144_bytes_of_bodies_and_no_more()
    {
        static string Body(int size) => "\"" + new string('z', size - 2) + "\"";

        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg(Body(131_072)), Msg(Body(131_072))], Poster);
        Assert.Equal(2, ids.Count);

        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.PostMessagesAsync(Project, "q", [Msg(Body(131_072)), Msg(Body(131_073))], Poster));
        Assert.Equal(262_144, error.Limit);
        Assert.Equal(ids, await AllIdsAsync("q"));
    }

    [Fact]
    public async Task A_batch_keeps_its_order_and_shares_one_acceptance_time()
    {
        var ids = await PostNumberedAsync("q", 20);
        var listed = await ListAllAsync("q");
        Assert.Equal(ids, listed.Select(m => m.Id));
        Assert.Equal(Enumerable.Range(0, 20), listed.Select(N));
        Assert.All(listed, m => Assert.Equal(EngineHarness.Start, m.CreatedAt));
    }

    [Fact]
    public async Task Listing_pages_in_acceptance_order_with_a_marker()
    {
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.AddRange(await PostNumberedAsync("q", 1, first: i));
            Advance(1);
        }

        var first = await ListAsync("q", limit: 10);
        Assert.Equal(ids.Take(10), first.Messages.Select(m => m.Id));
        Assert.Equal(ids[9], first.NextMarker);

        var second = await ListAsync("q", marker: first.NextMarker, limit: 10);
        Assert.Equal(ids.Skip(10).Take(10), second.Messages.Select(m => m.Id));

        var third = await ListAsync("q", marker: second.NextMarker, limit: 10);
        Assert.Equal(ids.Skip(20), third.Messages.Select(m => m.Id));
        Assert.Equal(ids[24], third.NextMarker);

        var end = await ListAsync("q", marker: third.NextMarker, limit: 10);
        Assert.Empty(end.Messages);
        Assert.Equal(ids[24], end.NextMarker);
    }

    [Fact]
    public async Task Listing_defaults_to_10_and_accepts_1_to_20()
    {
        await PostNumberedAsync("q", 25);
        Assert.Equal(10, (await ListAsync("q")).Messages.Count);
        Assert.Single((await ListAsync("q", limit: 1)).Messages);
        Assert.Equal(20, (await ListAsync("q", limit: 20)).Messages.Count);

        var error = await AssertInvalid("limit", () => Engine.ListMessagesAsync(Project, "q", Reader, new MessageListOptions { Limit = 21 }));
        Assert.Equal(20, error.Limit);
        await AssertInvalid("limit", () => Engine.ListMessagesAsync(Project, "q", Reader, new MessageListOptions { Limit = 0 }));
    }

    [Fact]
    public async Task Marker_paging_continues_past_deleted_messages_including_the_marker_itself()
    {
        var ids = await PostNumberedAsync("q", 15);
        var first = await ListAsync("q", limit: 5);
        Assert.Equal(ids[4], first.NextMarker);

        // Delete the marker message, the one after it, and one on the next page.
        await Engine.DeleteMessagesAsync(Project, "q", [ids[4], ids[5], ids[8]]);

        var second = await ListAsync("q", marker: first.NextMarker, limit: 5);
        Assert.Equal(new[] { ids[6], ids[7], ids[9], ids[10], ids[11] }, second.Messages.Select(m => m.Id));

        // Messages posted after the listing started show up at its end.
        var late = await PostNumberedAsync("q", 2, first: 100);
        var third = await ListAsync("q", marker: second.NextMarker, limit: 20);
        Assert.Equal(ids.Skip(12).Concat(late), third.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Marker_paging_skips_messages_claimed_between_pages()
    {
        var ids = await PostNumberedAsync("q", 10);
        var first = await ListAsync("q", limit: 3);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 5));
        Assert.Equal(ids.Take(5), claim!.Messages.Select(m => m.Id));

        var second = await ListAsync("q", marker: first.NextMarker, limit: 20);
        Assert.Equal(ids.Skip(5), second.Messages.Select(m => m.Id));
        var withClaimed = await ListAsync("q", marker: first.NextMarker, limit: 20, includeClaimed: true);
        Assert.Equal(ids.Skip(3), withClaimed.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task A_malformed_marker_is_an_invalid_argument()
    {
        await PostNumberedAsync("q", 3);
        var error = await Assert.ThrowsAsync<QueueException>(async () => await ListAsync("q", marker: "not-a-marker"));
        Assert.Equal(QueueErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("marker", error.Field);
    }

    [Fact]
    public async Task Echo_hides_the_callers_own_messages_unless_asked()
    {
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        var own = await Engine.PostMessagesAsync(Project, "q", [Msg("\"mine\"")], mine);
        var other = await Engine.PostMessagesAsync(Project, "q", [Msg("\"theirs\"")], theirs);

        Assert.Equal(other, (await ListAsync("q", client: mine)).Messages.Select(m => m.Id));
        Assert.Equal(own.Concat(other), (await ListAsync("q", client: mine, echo: true)).Messages.Select(m => m.Id));
        Assert.Equal(own, (await ListAsync("q", client: theirs)).Messages.Select(m => m.Id));

        // Echo only filters listings: the poster still claims and gets its own messages.
        Assert.Equal(own[0], (await Engine.GetMessageAsync(Project, "q", own[0])).Id);
        var claim = await Engine.ClaimMessagesAsync(Project, "q");
        Assert.Equal(own.Concat(other), claim!.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task A_page_of_only_hidden_messages_still_lets_paging_reach_later_ones()
    {
        var mine = Guid.NewGuid();
        var hidden = await Engine.PostMessagesAsync(Project, "q", Enumerable.Range(0, 30).Select(i => Msg($"{i}")).ToArray(), mine);
        var visible = await Engine.PostMessagesAsync(Project, "q", [Msg("\"visible\"")], Guid.NewGuid());

        var page = await ListAsync("q", limit: 5, client: mine);
        Assert.Equal(visible, page.Messages.Select(m => m.Id));
        Assert.DoesNotContain(page.Messages, m => hidden.Contains(m.Id));
    }

    [Fact]
    public async Task Include_claimed_shows_claimed_messages_with_their_claim()
    {
        var ids = await PostNumberedAsync("q", 4);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 2));

        Assert.Equal(ids.Skip(2), (await ListAsync("q")).Messages.Select(m => m.Id));
        var all = (await ListAsync("q", includeClaimed: true)).Messages;
        Assert.Equal(ids, all.Select(m => m.Id));
        Assert.Equal([claim!.ClaimId, claim.ClaimId, null, null], all.Select(m => m.ClaimId));
    }

    [Fact]
    public async Task Get_one_answers_not_found_for_unknown_and_malformed_ids()
    {
        var ids = await PostAsync("q", "1");
        Assert.Equal(ids[0], (await Engine.GetMessageAsync(Project, "q", ids[0])).Id);
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(Project, "q", "000000000000000000000000"));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(Project, "q", "garbage"));
        var upper = ids[0].ToUpperInvariant();
        if (!string.Equals(upper, ids[0], StringComparison.Ordinal))
        {
            // Ids are case-sensitive: only the canonical spelling names the message.
            await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(Project, "q", upper));
        }

        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(Project, "other", ids[0]));
    }

    [Fact]
    public async Task Get_many_answers_the_live_ones_in_the_order_asked()
    {
        var ids = await PostNumberedAsync("q", 5);
        await Engine.DeleteMessageAsync(Project, "q", ids[2]);

        var asked = new[] { ids[4], "unknown", ids[2], ids[0], ids[3] };
        var found = await Engine.GetMessagesAsync(Project, "q", asked);
        Assert.Equal(new[] { ids[4], ids[0], ids[3] }, found.Select(m => m.Id));
        Assert.Equal(new[] { 4, 0, 3 }, found.Select(N));
    }

    [Fact]
    public async Task Get_many_takes_20_ids_and_rejects_21()
    {
        var ids = await PostNumberedAsync("q", 21);
        Assert.Equal(ids.Take(20), (await Engine.GetMessagesAsync(Project, "q", ids.Take(20).ToArray())).Select(m => m.Id));

        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.GetMessagesAsync(Project, "q", ids.ToArray()));
        Assert.Equal(20, error.Limit);
        Assert.Equal("ids", error.Field);
        await AssertInvalid("ids", () => Engine.GetMessagesAsync(Project, "q", []));
    }

    [Fact]
    public async Task Delete_of_an_unclaimed_message_needs_no_claim()
    {
        var ids = await PostNumberedAsync("q", 2);
        Assert.True(await Engine.DeleteMessageAsync(Project, "q", ids[0]));
        Assert.False(await Engine.DeleteMessageAsync(Project, "q", ids[0]));
        Assert.Equal([ids[1]], await AllIdsAsync("q"));
        Assert.False(await Engine.DeleteMessageAsync(Project, "q", "garbage"));
    }

    [Fact]
    public async Task Delete_of_a_claimed_message_needs_its_claim_id()
    {
        var ids = await PostNumberedAsync("q", 2);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 1));
        Assert.Equal([ids[0]], claim!.Messages.Select(m => m.Id));

        var required = await AssertQueueError(QueueErrorKind.ClaimRequired, () => Engine.DeleteMessageAsync(Project, "q", ids[0]));
        Assert.Equal("claim_id", required.Field);
        Assert.Equal(ids, await AllIdsAsync("q"));

        Assert.True(await Engine.DeleteMessageAsync(Project, "q", ids[0], claim.ClaimId));
        Assert.Equal([ids[1]], await AllIdsAsync("q"));
        Assert.Empty((await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages);
    }

    [Fact]
    public async Task Delete_with_a_claim_that_does_not_hold_the_message_is_a_claim_mismatch()
    {
        var ids = await PostNumberedAsync("q", 2);
        var first = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 1));
        var second = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 1));
        Assert.Equal([ids[0]], first!.Messages.Select(m => m.Id));
        Assert.Equal([ids[1]], second!.Messages.Select(m => m.Id));

        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(Project, "q", ids[0], second.ClaimId));
        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(Project, "q", ids[0], "ffffffffffffffffffffffff"));
        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(Project, "q", ids[0], "garbage"));
        Assert.Equal(ids, await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Delete_with_an_expired_claim_is_a_claim_mismatch()
    {
        var ids = await PostNumberedAsync("q", 1);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Ttl: 60, Grace: 60));
        Advance(60);

        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(Project, "q", ids[0], claim!.ClaimId));
        Assert.Equal(ids, await AllIdsAsync("q"));
        // Now unclaimed, it can be deleted without a claim.
        Assert.True(await Engine.DeleteMessageAsync(Project, "q", ids[0]));
    }

    [Fact]
    public async Task Delete_of_an_unclaimed_message_with_a_live_claim_of_other_messages_is_a_claim_mismatch()
    {
        var ids = await PostNumberedAsync("q", 2);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 1));

        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(Project, "q", ids[1], claim!.ClaimId));
        Assert.Equal(ids, await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Delete_many_removes_claimed_and_unclaimed_messages_and_counts_those_that_existed()
    {
        var ids = await PostNumberedAsync("q", 6);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 2));

        var deleted = await Engine.DeleteMessagesAsync(Project, "q", [ids[0], ids[3], "unknown", ids[5]]);
        Assert.Equal(3, deleted);
        Assert.Equal(new[] { ids[1], ids[2], ids[4] }, await AllIdsAsync("q"));
        Assert.Equal([ids[1]], (await Engine.GetClaimAsync(Project, "q", claim!.ClaimId)).Messages.Select(m => m.Id));

        Assert.Equal(0, await Engine.DeleteMessagesAsync(Project, "q", [ids[0], ids[3]]));
    }

    [Fact]
    public async Task Delete_many_takes_20_ids_and_rejects_21()
    {
        var ids = await PostNumberedAsync("q", 21);
        var error = await AssertQueueError(QueueErrorKind.LimitExceeded, () => Engine.DeleteMessagesAsync(Project, "q", ids.ToArray()));
        Assert.Equal(20, error.Limit);
        Assert.Equal(21, (await AllIdsAsync("q")).Count);

        Assert.Equal(20, await Engine.DeleteMessagesAsync(Project, "q", ids.Take(20).ToArray()));
        Assert.Equal([ids[20]], await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Pop_takes_and_deletes_the_oldest_free_messages()
    {
        var ids = await PostNumberedAsync("q", 8);
        var claim = await Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 2));
        Assert.Equal(ids.Take(2), claim!.Messages.Select(m => m.Id));

        var popped = await Engine.PopMessagesAsync(Project, "q", 3);
        Assert.Equal(ids.Skip(2).Take(3), popped.Select(m => m.Id));
        Assert.Equal(new[] { 2, 3, 4 }, popped.Select(N));

        Assert.Equal(ids.Take(2).Concat(ids.Skip(5)), await AllIdsAsync("q"));
        Assert.Equal(ids.Skip(5), (await Engine.PopMessagesAsync(Project, "q", 20)).Select(m => m.Id));
        Assert.Empty(await Engine.PopMessagesAsync(Project, "q", 1));
        Assert.Equal(ids.Take(2), await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Pop_accepts_1_to_20()
    {
        await PostNumberedAsync("q", 25);
        var error = await AssertInvalid("pop", () => Engine.PopMessagesAsync(Project, "q", 21));
        Assert.Equal(20, error.Limit);
        await AssertInvalid("pop", () => Engine.PopMessagesAsync(Project, "q", 0));
        Assert.Equal(25, (await AllIdsAsync("q")).Count);
        Assert.Equal(20, (await Engine.PopMessagesAsync(Project, "q", 20)).Count);
    }

    [Fact]
    public async Task Fifo_holds_across_many_posts_and_queues()
    {
        var expectedA = new List<string>();
        var expectedB = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            expectedA.AddRange(await PostNumberedAsync("a", 2, first: i * 2));
            expectedB.AddRange(await PostNumberedAsync("b", 1, first: i));
        }

        Assert.Equal(expectedA, await AllIdsAsync("a"));
        Assert.Equal(expectedB, await AllIdsAsync("b"));

        var claimed = new List<string>();
        while (await Engine.ClaimMessagesAsync(Project, "a", new ClaimOptions(Limit: 7)) is { } claim)
        {
            claimed.AddRange(claim.Messages.Select(m => m.Id));
        }

        Assert.Equal(expectedA, claimed);
    }

    [Fact]
    public async Task Relaxed_durability_posts_are_visible_at_once()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1"), Msg("2")], Poster, WriteDurability.Relaxed);
        Assert.Equal(ids, await AllIdsAsync("q"));
    }
}
