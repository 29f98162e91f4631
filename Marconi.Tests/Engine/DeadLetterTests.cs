using System.Text.Json;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>
/// Dead-letter queues: each claim increments a message's claim count; a claim that finds a message whose count already
/// equals <c>_max_claim_count</c> moves it to <c>_dead_letter_queue</c> instead of handing it out.
/// </summary>
public class DeadLetterTests : EngineTestBase
{
    private async Task CreateWithDeadLetterAsync(string queue, int maxClaims, string deadLetterQueue, int? deadLetterTtl = null)
    {
        var ttl = deadLetterTtl is int t ? $",\"_dead_letter_queue_messages_ttl\":{t}" : "";
        Assert.True(await Engine.CreateQueueAsync(Project, queue, Utf8($"{{\"_max_claim_count\":{maxClaims},\"_dead_letter_queue\":\"{deadLetterQueue}\"{ttl}}}")));
    }

    /// <summary>Claims one message and releases the claim; returns what was claimed (null when nothing).</summary>
    private async Task<ClaimResult?> ClaimAndReleaseAsync(string queue, int limit = 10)
    {
        var claim = await Engine.ClaimMessagesAsync(Project, queue, new ClaimOptions(Limit: limit));
        if (claim is not null)
        {
            Assert.True(await Engine.ReleaseClaimAsync(Project, queue, claim.ClaimId));
        }

        return claim;
    }

    [Fact]
    public async Task A_message_claimed_max_times_moves_to_the_dead_letter_queue_on_the_next_claim()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 2, "dead");
        var body = "{\"job\": \"resize\", \"n\": 1.50}";
        var ids = await PostAsync("work", body);

        var first = await ClaimAndReleaseAsync("work");
        Assert.Equal(ids, first!.Messages.Select(m => m.Id));
        Assert.Equal(1, first.Messages[0].ClaimCount);
        var second = await ClaimAndReleaseAsync("work");
        Assert.Equal(ids, second!.Messages.Select(m => m.Id));
        Assert.Equal(2, second.Messages[0].ClaimCount);

        // The third claim finds the count at the maximum: nothing is handed out, the message moves.
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "work"));

        Assert.Empty(await ListAllAsync("work"));
        Assert.Equal(0, (await Engine.GetQueueStatsAsync(Project, "work")).Total);
        var dead = Assert.Single(await ListAllAsync("dead"));
        Assert.Equal(Utf8(body), dead.Body.ToArray());
        Assert.True(await Engine.QueueExistsAsync(Project, "dead"));
    }

    [Fact]
    public async Task Max_claim_count_of_one_hands_a_message_out_once()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 1, "dead");
        var ids = await PostNumberedAsync("work", 1);

        var claim = await Engine.ClaimMessagesAsync(Project, "work", new ClaimOptions(Ttl: 60, Grace: 60));
        Assert.Equal(ids, claim!.Messages.Select(m => m.Id));

        // Let the claim expire instead of releasing it: the message is free again but used up.
        Advance(60);
        Assert.Equal(ids, (await ListAsync("work")).Messages.Select(m => m.Id));
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "work"));
        Assert.Empty(await ListAllAsync("work"));
        Assert.Equal(new[] { 0 }, (await ListAllAsync("dead")).Select(N));
    }

    [Fact]
    public async Task A_claim_hands_out_the_healthy_messages_while_moving_the_exhausted_ones()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 1, "dead");
        var old = await PostNumberedAsync("work", 3);
        var claim = await Engine.ClaimMessagesAsync(Project, "work", new ClaimOptions(Limit: 2));
        Assert.Equal(old.Take(2), claim!.Messages.Select(m => m.Id));
        Assert.True(await Engine.ReleaseClaimAsync(Project, "work", claim.ClaimId));

        var fresh = await PostNumberedAsync("work", 2, first: 3);
        var next = await Engine.ClaimMessagesAsync(Project, "work", new ClaimOptions(Limit: 3));

        // Messages 0 and 1 were claimed once already: they move; 2, 3 and 4 are handed out, oldest first.
        Assert.Equal(new[] { old[2], fresh[0], fresh[1] }, next!.Messages.Select(m => m.Id));
        Assert.Equal(new[] { 2, 3, 4 }, next.Messages.Select(N));
        Assert.Equal(new[] { 0, 1 }, (await ListAllAsync("dead")).Select(N));
        Assert.Equal(new[] { old[2], fresh[0], fresh[1] }, await AllIdsAsync("work"));
    }

    [Fact]
    public async Task Dead_lettered_messages_take_the_dead_letter_ttl_when_set()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 1, "dead", deadLetterTtl: 120);
        await Engine.PostMessagesAsync(Project, "work", [Msg("\"job\"", ttl: 3600)], Poster);
        await ClaimAndReleaseAsync("work");
        Advance(10);
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "work"));

        var dead = Assert.Single(await ListAllAsync("dead"));
        Assert.Equal(120, dead.Ttl);
        Advance(119);
        Assert.Single(await ListAllAsync("dead"));
        Advance(1);
        Assert.Empty(await ListAllAsync("dead"));
    }

    [Fact]
    public async Task Without_a_dead_letter_ttl_a_moved_message_keeps_living()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 1, "dead");
        await Engine.PostMessagesAsync(Project, "work", [Msg("\"job\"", ttl: 600)], Poster);
        await ClaimAndReleaseAsync("work");
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "work"));

        var dead = Assert.Single(await ListAllAsync("dead"));
        Assert.Equal(600, dead.Ttl);
        Advance(59);
        Assert.Single(await ListAllAsync("dead"));
    }

    [Fact]
    public async Task Dead_lettered_messages_are_free_and_claimable_in_the_dead_letter_queue()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 1, "dead");
        await Engine.CreateQueueAsync(Project, "dead", Utf8("""{"role":"dlq"}"""));
        await PostNumberedAsync("work", 2);
        await ClaimAndReleaseAsync("work");
        Assert.Null(await Engine.ClaimMessagesAsync(Project, "work"));

        var stats = await Engine.GetQueueStatsAsync(Project, "dead");
        Assert.Equal((0L, 2L), (stats.Claimed, stats.Free));
        var claim = await Engine.ClaimMessagesAsync(Project, "dead");
        Assert.Equal(new[] { 0, 1 }, claim!.Messages.Select(N));
        // The existing dead-letter queue keeps its metadata.
        Assert.Equal("dlq", Json(await Engine.GetQueueMetadataAsync(Project, "dead")).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Max_claim_count_without_a_dead_letter_queue_moves_nothing()
    {
        await Engine.CreateQueueAsync(Project, "work", Utf8("""{"_max_claim_count":1}"""));
        var ids = await PostNumberedAsync("work", 1);
        for (var round = 1; round <= 3; round++)
        {
            var claim = await ClaimAndReleaseAsync("work");
            Assert.Equal(ids, claim!.Messages.Select(m => m.Id));
            Assert.Equal(round, claim.Messages[0].ClaimCount);
        }

        Assert.Equal(ids, await AllIdsAsync("work"));
    }

    [Fact]
    public async Task Dead_letter_settings_added_later_by_patch_take_effect()
    {
        var ids = await PostNumberedAsync("work", 1);
        await ClaimAndReleaseAsync("work");
        await ClaimAndReleaseAsync("work");

        await Engine.PatchQueueMetadataAsync(Project, "work",
        [
            new MetadataPatchOperation(MetadataPatchOp.Add, "_max_claim_count", Utf8("2")),
            new MetadataPatchOperation(MetadataPatchOp.Add, "_dead_letter_queue", Utf8("\"dead\"")),
        ]);

        Assert.Null(await Engine.ClaimMessagesAsync(Project, "work"));
        Assert.Empty(await ListAllAsync("work"));
        Assert.Single(await ListAllAsync("dead"));
        Assert.DoesNotContain(ids[0], await AllIdsAsync("work"));
    }

    [Fact]
    public async Task The_dead_letter_move_happens_only_when_a_claim_finds_the_message()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 1, "dead");
        var ids = await PostNumberedAsync("work", 1);
        await ClaimAndReleaseAsync("work");

        // Listing, getting and stats do not move it.
        Assert.Equal(ids, (await ListAsync("work")).Messages.Select(m => m.Id));
        Assert.Equal(1, (await Engine.GetMessageAsync(Project, "work", ids[0])).ClaimCount);
        Assert.Equal(1, (await Engine.GetQueueStatsAsync(Project, "work")).Free);
        Assert.Empty(await ListAllAsync("dead"));

        // Pop takes it directly, without a claim.
        var popped = await Engine.PopMessagesAsync(Project, "work", 1);
        Assert.Equal(ids, popped.Select(m => m.Id));
        Assert.Empty(await ListAllAsync("dead"));
    }

    [Fact]
    public async Task The_dead_letter_queue_in_metadata_renders_back()
    {
        await CreateWithDeadLetterAsync("work", maxClaims: 5, "dead", deadLetterTtl: 300);
        var metadata = Json(await Engine.GetQueueMetadataAsync(Project, "work"));
        Assert.Equal(5, metadata.GetProperty("_max_claim_count").GetInt32());
        Assert.Equal("dead", metadata.GetProperty("_dead_letter_queue").GetString());
        Assert.Equal(300, metadata.GetProperty("_dead_letter_queue_messages_ttl").GetInt32());
        Assert.Equal(JsonValueKind.Number, metadata.GetProperty("_default_message_ttl").ValueKind);
    }
}
