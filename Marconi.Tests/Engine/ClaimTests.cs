using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>Claims: limits, lifetimes, get, update, release, expiry and claim counts.</summary>
public class ClaimTests : EngineTestBase
{
    private async Task<ClaimResult> ClaimAsync(string queue, int? limit = null, int? ttl = null, int? grace = null)
    {
        var claim = await Engine.ClaimMessagesAsync(Project, queue, new ClaimOptions(limit, ttl, grace));
        Assert.NotNull(claim);
        return claim;
    }

    [Fact]
    public async Task A_claim_takes_up_to_10_oldest_free_messages_by_default()
    {
        var ids = await PostNumberedAsync("q", 15);
        var claim = await ClaimAsync("q");

        Assert.Equal(ids.Take(10), claim.Messages.Select(m => m.Id));
        Assert.Equal(300, claim.Ttl);
        Assert.Equal(60, claim.Grace);
        Assert.Equal(0, claim.Age);
        Assert.Equal(24, claim.ClaimId.Length);
        Assert.All(claim.Messages, m => Assert.Equal(claim.ClaimId, m.ClaimId));
        Assert.All(claim.Messages, m => Assert.Equal(1, m.ClaimCount));
        Assert.Equal(Enumerable.Range(0, 10), claim.Messages.Select(N));

        var rest = await ClaimAsync("q");
        Assert.Equal(ids.Skip(10), rest.Messages.Select(m => m.Id));
        Assert.NotEqual(claim.ClaimId, rest.ClaimId);
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "q"));
    }

    [Fact]
    public async Task A_claim_takes_1_to_20_messages()
    {
        await PostNumberedAsync("q", 25);
        var error = await AssertInvalid("limit", () => Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 21)));
        Assert.Equal(20, error.Limit);
        await AssertInvalid("limit", () => Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Limit: 0)));
        Assert.Equal(0, (await Engine.GetQueueStatsAsync(Project, "q")).Claimed);

        Assert.Single((await ClaimAsync("q", limit: 1)).Messages);
        Assert.Equal(20, (await ClaimAsync("q", limit: 20)).Messages.Count);
        Assert.Equal(4, (await ClaimAsync("q", limit: 20)).Messages.Count);
    }

    [Theory]
    [InlineData(59, 60, "ttl", 60)]
    [InlineData(43_201, 60, "ttl", 43_200)]
    [InlineData(60, 59, "grace", 60)]
    [InlineData(60, 43_201, "grace", 43_200)]
    public async Task Claim_ttl_and_grace_outside_60_to_43200_are_rejected(int ttl, int grace, string field, int limit)
    {
        await PostNumberedAsync("q", 1);
        var error = await AssertInvalid(field, () => Engine.ClaimMessagesAsync(Project, "q", new ClaimOptions(Ttl: ttl, Grace: grace)));
        Assert.Equal(limit, error.Limit);

        var claim = await ClaimAsync("q");
        await AssertInvalid(field, () => Engine.UpdateClaimAsync(Project, "q", claim.ClaimId, ttl, grace));
        var unchanged = await Engine.GetClaimAsync(Project, "q", claim.ClaimId);
        Assert.Equal((300, 60), (unchanged.Ttl, unchanged.Grace));
    }

    [Theory]
    [InlineData(60, 60)]
    [InlineData(43_200, 43_200)]
    public async Task Claim_ttl_and_grace_accept_their_bounds(int ttl, int grace)
    {
        await PostNumberedAsync("q", 1);
        var claim = await ClaimAsync("q", ttl: ttl, grace: grace);
        Assert.Equal((ttl, grace), (claim.Ttl, claim.Grace));
        var fetched = await Engine.GetClaimAsync(Project, "q", claim.ClaimId);
        Assert.Equal((ttl, grace), (fetched.Ttl, fetched.Grace));
    }

    [Fact]
    public async Task Claiming_an_empty_or_missing_queue_answers_null()
    {
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "missing"));
        Assert.False(await Engine.QueueExistsAsync(Project, "missing"));
        await Engine.CreateQueueAsync(Project, "empty");
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "empty"));
    }

    [Fact]
    public async Task Get_claim_shows_the_messages_it_holds_and_its_age()
    {
        var ids = await PostNumberedAsync("q", 3);
        var claim = await ClaimAsync("q", limit: 2, ttl: 120, grace: 90);
        Advance(15);

        var fetched = await Engine.GetClaimAsync(Project, "q", claim.ClaimId);
        Assert.Equal(claim.ClaimId, fetched.ClaimId);
        Assert.Equal((120, 90), (fetched.Ttl, fetched.Grace));
        Assert.Equal(15, fetched.Age);
        Assert.Equal(ids.Take(2), fetched.Messages.Select(m => m.Id));
        Assert.Equal(new[] { 0, 1 }, fetched.Messages.Select(N));
    }

    [Fact]
    public async Task Get_claim_of_an_unknown_or_malformed_id_is_not_found()
    {
        await PostNumberedAsync("q", 1);
        var claim = await ClaimAsync("q");
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "q", "ffffffffffffffffffffffff"));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "q", "nope"));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "other", claim.ClaimId));
    }

    [Fact]
    public async Task Concurrent_claims_never_hold_the_same_message()
    {
        var ids = await PostNumberedAsync("q", 20);
        var a = await ClaimAsync("q", limit: 5);
        var b = await ClaimAsync("q", limit: 5);

        Assert.Empty(a.Messages.Select(m => m.Id).Intersect(b.Messages.Select(m => m.Id)));
        Assert.Equal(ids.Take(5), a.Messages.Select(m => m.Id));
        Assert.Equal(ids.Skip(5).Take(5), b.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task A_claim_expires_at_its_ttl_and_its_messages_become_free_in_their_order()
    {
        var ids = await PostNumberedAsync("q", 3);
        var claim = await ClaimAsync("q", limit: 2, ttl: 100, grace: 60);

        Harness.Advance(TimeSpan.FromSeconds(100) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages.Count);
        Assert.Equal([ids[2]], (await ListAsync("q")).Messages.Select(m => m.Id));

        Harness.Advance(TimeSpan.FromMilliseconds(1));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "q", claim.ClaimId));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateClaimAsync(Project, "q", claim.ClaimId, 300, 60));
        Assert.Equal(ids, (await ListAsync("q")).Messages.Select(m => m.Id));
        Assert.All(await Engine.GetMessagesAsync(Project, "q", ids), m => Assert.Null(m.ClaimId));
        Assert.Equal(0, (await Engine.GetQueueStatsAsync(Project, "q")).Claimed);

        // Freed messages are claimed again oldest first, ahead of the never-claimed one.
        var again = await ClaimAsync("q", limit: 2);
        Assert.Equal(ids.Take(2), again.Messages.Select(m => m.Id));
        Assert.All(again.Messages, m => Assert.Equal(2, m.ClaimCount));
    }

    [Fact]
    public async Task A_claimed_message_lives_at_least_claim_ttl_plus_grace()
    {
        // The message alone would expire at 60 s; the claim keeps it until 100 + 60 = 160 s.
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("\"short\"", ttl: 60)], Poster);
        var claim = await ClaimAsync("q", ttl: 100, grace: 60);

        Advance(99);
        Assert.Equal(ids, (await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages.Select(m => m.Id));
        Advance(1);
        // The claim is over, the message lives on, free, through the grace period.
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "q", claim.ClaimId));
        Assert.Equal(ids, (await ListAsync("q")).Messages.Select(m => m.Id));

        Harness.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(ids[0], (await Engine.GetMessageAsync(Project, "q", ids[0])).Id);
        Harness.Advance(TimeSpan.FromMilliseconds(1));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(Project, "q", ids[0]));
        Assert.Empty(await ListAllAsync("q"));
    }

    [Fact]
    public async Task A_claim_never_shortens_a_messages_life()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 1000)], Poster);
        var claim = await ClaimAsync("q", ttl: 60, grace: 60);
        Assert.True(await Engine.ReleaseClaimAsync(Project, "q", claim.ClaimId));

        Advance(999);
        Assert.Equal(ids, await AllIdsAsync("q"));
        Advance(1);
        Assert.Empty(await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Update_renews_a_claim_from_now_and_extends_its_messages()
    {
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 60)], Poster);
        var claim = await ClaimAsync("q", ttl: 60, grace: 60);

        Advance(50);
        await Engine.UpdateClaimAsync(Project, "q", claim.ClaimId, ttl: 200, grace: 100);
        var updated = await Engine.GetClaimAsync(Project, "q", claim.ClaimId);
        Assert.Equal((200, 100), (updated.Ttl, updated.Grace));

        // Renewed at 50 s: the claim lasts until 250 s, the message at least until 350 s.
        Advance(199);
        Assert.Equal(ids, (await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages.Select(m => m.Id));
        Assert.Empty((await ListAsync("q")).Messages);
        Advance(1);
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "q", claim.ClaimId));
        Assert.Equal(ids, (await ListAsync("q")).Messages.Select(m => m.Id));
        Advance(99);
        Assert.Equal(ids, await AllIdsAsync("q"));
        Advance(1);
        Assert.Empty(await AllIdsAsync("q"));
    }

    [Fact]
    public async Task Update_with_defaults_uses_300_and_60()
    {
        await PostNumberedAsync("q", 1);
        var claim = await ClaimAsync("q", ttl: 60, grace: 60);
        await Engine.UpdateClaimAsync(Project, "q", claim.ClaimId);
        var updated = await Engine.GetClaimAsync(Project, "q", claim.ClaimId);
        Assert.Equal((300, 60), (updated.Ttl, updated.Grace));
    }

    [Fact]
    public async Task Update_of_an_unknown_claim_is_not_found()
    {
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateClaimAsync(Project, "q", "ffffffffffffffffffffffff", 60, 60));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateClaimAsync(Project, "q", "nope", 60, 60));
    }

    [Fact]
    public async Task Release_frees_the_messages_in_their_order_and_ends_the_claim()
    {
        var ids = await PostNumberedAsync("q", 5);
        var claim = await ClaimAsync("q", limit: 3);
        var other = await ClaimAsync("q", limit: 1);

        Assert.True(await Engine.ReleaseClaimAsync(Project, "q", claim.ClaimId));
        Assert.False(await Engine.ReleaseClaimAsync(Project, "q", claim.ClaimId));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(Project, "q", claim.ClaimId));

        Assert.Equal(new[] { ids[0], ids[1], ids[2], ids[4] }, (await ListAsync("q")).Messages.Select(m => m.Id));
        Assert.Equal([ids[3]], (await Engine.GetClaimAsync(Project, "q", other.ClaimId)).Messages.Select(m => m.Id));

        var next = await ClaimAsync("q", limit: 20);
        Assert.Equal(new[] { ids[0], ids[1], ids[2], ids[4] }, next.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Release_of_an_unknown_claim_answers_false()
    {
        Assert.False(await Engine.ReleaseClaimAsync(Project, "q", "ffffffffffffffffffffffff"));
        Assert.False(await Engine.ReleaseClaimAsync(Project, "q", "nope"));
    }

    [Fact]
    public async Task Release_after_expiry_does_not_touch_a_newer_claim()
    {
        var ids = await PostNumberedAsync("q", 1);
        var old = await ClaimAsync("q", ttl: 60, grace: 60);
        Advance(60);
        var fresh = await ClaimAsync("q");
        Assert.Equal(ids, fresh.Messages.Select(m => m.Id));

        await Engine.ReleaseClaimAsync(Project, "q", old.ClaimId);
        Assert.Equal(ids, (await Engine.GetClaimAsync(Project, "q", fresh.ClaimId)).Messages.Select(m => m.Id));
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "q"));
        await AssertQueueError(QueueErrorKind.ClaimRequired, () => Engine.DeleteMessageAsync(Project, "q", ids[0]));
        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(Project, "q", ids[0], old.ClaimId));
        Assert.True(await Engine.DeleteMessageAsync(Project, "q", ids[0], fresh.ClaimId));
    }

    [Fact]
    public async Task Each_claim_increments_the_claim_count()
    {
        var ids = await PostNumberedAsync("q", 2);
        for (var round = 1; round <= 3; round++)
        {
            var claim = await ClaimAsync("q", limit: 1);
            Assert.Equal([ids[0]], claim.Messages.Select(m => m.Id));
            Assert.Equal(round, claim.Messages[0].ClaimCount);
            Assert.True(await Engine.ReleaseClaimAsync(Project, "q", claim.ClaimId));
        }

        var counts = await Engine.GetMessagesAsync(Project, "q", ids);
        Assert.Equal(new[] { 3, 0 }, counts.Select(m => m.ClaimCount));
    }

    [Fact]
    public async Task Claimed_messages_show_their_claim_to_readers()
    {
        var ids = await PostNumberedAsync("q", 2);
        var claim = await ClaimAsync("q", limit: 1);

        var claimed = await Engine.GetMessageAsync(Project, "q", ids[0]);
        Assert.Equal(claim.ClaimId, claimed.ClaimId);
        Assert.Equal(1, claimed.ClaimCount);
        Assert.Null((await Engine.GetMessageAsync(Project, "q", ids[1])).ClaimId);
    }

    [Fact]
    public async Task Deleting_every_message_of_a_claim_leaves_an_empty_live_claim()
    {
        var ids = await PostNumberedAsync("q", 2);
        var claim = await ClaimAsync("q");
        foreach (var id in ids)
        {
            Assert.True(await Engine.DeleteMessageAsync(Project, "q", id, claim.ClaimId));
        }

        Assert.Empty((await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages);
        Assert.Equal(0, (await Engine.GetQueueStatsAsync(Project, "q")).Total);
    }

    [Fact]
    public async Task Messages_posted_after_a_claim_are_not_part_of_it()
    {
        var before = await PostNumberedAsync("q", 2);
        var claim = await ClaimAsync("q");
        var after = await PostNumberedAsync("q", 2, first: 2);

        Assert.Equal(before, (await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages.Select(m => m.Id));
        Assert.Equal(after, (await ListAsync("q")).Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task A_claim_keeps_a_shorter_lived_message_for_its_whole_life()
    {
        // The first message alone would expire at 200 s; the claim keeps it at least until 1000 + 60 s.
        var ids = await Engine.PostMessagesAsync(Project, "q", [Msg("1", ttl: 200), Msg("2", ttl: 3000)], Poster);
        var claim = await ClaimAsync("q", ttl: 1000, grace: 60);
        Assert.Equal(ids, claim.Messages.Select(m => m.Id));

        Advance(200);
        Assert.Equal(ids, (await Engine.GetClaimAsync(Project, "q", claim.ClaimId)).Messages.Select(m => m.Id));
        Advance(859);
        Assert.Equal(ids, (await Engine.GetMessagesAsync(Project, "q", ids)).Select(m => m.Id));
        Advance(1);
        Assert.Equal([ids[1]], (await Engine.GetMessagesAsync(Project, "q", ids)).Select(m => m.Id));
    }
}
