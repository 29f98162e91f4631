using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Tests.Support;

namespace Marconi.Tests.Engine;

/// <summary>
/// Projects isolate everything: every operation from project B aimed at project A's queue, ids, claims and markers
/// sees nothing and changes nothing.
/// </summary>
public class TenantIsolationTests : EngineTestBase
{
    private const string A = Project;
    private const string B = OtherProject;
    private const string Queue = "shared-name";

    /// <summary>Project A's state: a queue with metadata, 6 messages, a live claim on the first two.</summary>
    private sealed record Fixture(IReadOnlyList<string> Ids, ClaimResult Claim);

    private async Task<Fixture> SetUpProjectAAsync()
    {
        await Engine.CreateQueueAsync(A, Queue, Utf8("""{"owner":"a","_default_message_ttl":600}"""));
        var ids = await PostNumberedAsync(Queue, 6, project: A);
        var claim = await Engine.ClaimMessagesAsync(A, Queue, new ClaimOptions(Limit: 2));
        Assert.NotNull(claim);
        return new Fixture(ids, claim);
    }

    /// <summary>Asserts project A's state is exactly as <see cref="SetUpProjectAAsync"/> left it.</summary>
    private async Task AssertProjectAUntouchedAsync(Fixture a)
    {
        Assert.True(await Engine.QueueExistsAsync(A, Queue));
        var metadata = Json(await Engine.GetQueueMetadataAsync(A, Queue));
        Assert.Equal("a", metadata.GetProperty("owner").GetString());
        Assert.Equal(600, metadata.GetProperty("_default_message_ttl").GetInt32());

        var messages = await ListAllAsync(Queue, A);
        Assert.Equal(a.Ids, messages.Select(m => m.Id));
        Assert.Equal(Enumerable.Range(0, 6), messages.Select(N));
        Assert.Equal([a.Claim.ClaimId, a.Claim.ClaimId, null, null, null, null], messages.Select(m => m.ClaimId));

        var claim = await Engine.GetClaimAsync(A, Queue, a.Claim.ClaimId);
        Assert.Equal(a.Ids.Take(2), claim.Messages.Select(m => m.Id));
        Assert.Equal((300, 60), (claim.Ttl, claim.Grace));

        var stats = await Engine.GetQueueStatsAsync(A, Queue);
        Assert.Equal((2L, 4L), (stats.Claimed, stats.Free));
        Assert.Equal(["shared-name"], (await Engine.ListQueuesAsync(A)).Queues.Select(q => q.Name));
    }

    [Fact]
    public async Task Project_B_does_not_see_project_As_queue()
    {
        var a = await SetUpProjectAAsync();

        Assert.False(await Engine.QueueExistsAsync(B, Queue));
        var listing = await Engine.ListQueuesAsync(B, new QueueListOptions { WithCount = true, Detailed = true, Limit = 20 });
        Assert.Empty(listing.Queues);
        Assert.Equal(0, listing.Count);
        Assert.Empty((await Engine.ListQueuesAsync(B, new QueueListOptions { NamePrefix = "shared" })).Queues);

        var metadata = Json(await Engine.GetQueueMetadataAsync(B, Queue));
        Assert.False(metadata.TryGetProperty("owner", out _));
        Assert.Equal(3600, metadata.GetProperty("_default_message_ttl").GetInt32());

        var stats = await Engine.GetQueueStatsAsync(B, Queue);
        Assert.Equal((0L, 0L), (stats.Claimed, stats.Free));
        Assert.Null(stats.Oldest);

        await AssertProjectAUntouchedAsync(a);
    }

    [Fact]
    public async Task Project_B_reads_none_of_project_As_messages()
    {
        var a = await SetUpProjectAAsync();

        Assert.Empty((await ListAsync(Queue, project: B, echo: true, includeClaimed: true, includeDelayed: true, limit: 20)).Messages);
        Assert.Empty((await ListAsync(Queue, marker: a.Ids[1], project: B, echo: true, includeClaimed: true, includeDelayed: true)).Messages);
        Assert.Empty(await Engine.GetMessagesAsync(B, Queue, a.Ids));
        foreach (var id in a.Ids)
        {
            await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetMessageAsync(B, Queue, id));
        }

        await AssertProjectAUntouchedAsync(a);
    }

    [Fact]
    public async Task Project_B_cannot_claim_pop_or_delete_project_As_messages()
    {
        var a = await SetUpProjectAAsync();

        Assert.Null(await Engine.ClaimMessagesAsync(B, Queue, new ClaimOptions(Limit: 20)));
        Assert.Empty(await Engine.PopMessagesAsync(B, Queue, 20));
        Assert.Equal(0, await Engine.DeleteMessagesAsync(B, Queue, a.Ids));
        foreach (var id in a.Ids)
        {
            Assert.False(await Engine.DeleteMessageAsync(B, Queue, id));
        }

        Assert.False(await Engine.DeleteMessageAsync(B, Queue, a.Ids[0], a.Claim.ClaimId));

        await AssertProjectAUntouchedAsync(a);
    }

    [Fact]
    public async Task Project_B_cannot_see_update_or_release_project_As_claim()
    {
        var a = await SetUpProjectAAsync();

        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(B, Queue, a.Claim.ClaimId));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.UpdateClaimAsync(B, Queue, a.Claim.ClaimId, 60, 60));
        Assert.False(await Engine.ReleaseClaimAsync(B, Queue, a.Claim.ClaimId));

        await AssertProjectAUntouchedAsync(a);
    }

    [Fact]
    public async Task Project_B_cannot_change_delete_or_purge_project_As_queue()
    {
        var a = await SetUpProjectAAsync();

        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.ReplaceQueueMetadataAsync(B, Queue, Utf8("""{"owner":"b"}""")));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.PatchQueueMetadataAsync(B, Queue, [new MetadataPatchOperation(MetadataPatchOp.Add, "owner", Utf8("\"b\""))]));
        Assert.False(await Engine.DeleteQueueAsync(B, Queue));
        await Engine.PurgeQueueAsync(B, Queue);

        await AssertProjectAUntouchedAsync(a);
    }

    [Fact]
    public async Task Project_Bs_queue_of_the_same_name_is_a_separate_queue()
    {
        var a = await SetUpProjectAAsync();

        Assert.True(await Engine.CreateQueueAsync(B, Queue, Utf8("""{"owner":"b"}""")));
        var bIds = await PostNumberedAsync(Queue, 3, first: 100, project: B);
        Assert.Empty(bIds.Intersect(a.Ids));

        var bMessages = await ListAllAsync(Queue, B);
        Assert.Equal(bIds, bMessages.Select(m => m.Id));
        Assert.Equal(new[] { 100, 101, 102 }, bMessages.Select(N));
        Assert.Equal("b", Json(await Engine.GetQueueMetadataAsync(B, Queue)).GetProperty("owner").GetString());

        // Markers and ids of A mean nothing in B's queue of the same name.
        var afterMarker = (await ListAsync(Queue, marker: a.Ids[5], project: B, echo: true, includeClaimed: true)).Messages;
        Assert.DoesNotContain(afterMarker, m => a.Ids.Contains(m.Id));
        Assert.Empty(await Engine.GetMessagesAsync(B, Queue, a.Ids));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(B, Queue, a.Claim.ClaimId));
        Assert.False(await Engine.DeleteMessageAsync(B, Queue, a.Ids[3]));

        // B claims only its own messages, starting at its oldest.
        var bClaim = await Engine.ClaimMessagesAsync(B, Queue, new ClaimOptions(Limit: 20));
        Assert.Equal(bIds, bClaim!.Messages.Select(m => m.Id));
        await AssertQueueError(QueueErrorKind.NotFound, () => Engine.GetClaimAsync(A, Queue, bClaim.ClaimId));
        Assert.False(await Engine.ReleaseClaimAsync(A, Queue, bClaim.ClaimId));
        await AssertQueueError(QueueErrorKind.ClaimMismatch, () => Engine.DeleteMessageAsync(A, Queue, a.Ids[0], bClaim.ClaimId));

        // Purge and delete in B leave A alone.
        await Engine.PurgeQueueAsync(B, Queue);
        Assert.Empty(await ListAllAsync(Queue, B));
        Assert.True(await Engine.DeleteQueueAsync(B, Queue));
        Assert.False(await Engine.QueueExistsAsync(B, Queue));

        await AssertProjectAUntouchedAsync(a);
    }

    [Fact]
    public async Task Queue_listings_are_per_project()
    {
        await Engine.CreateQueueAsync(A, "a1");
        await Engine.CreateQueueAsync(A, "a2");
        await Engine.CreateQueueAsync(B, "b1");
        await Engine.CreateQueueAsync("project-c", "a15");

        Assert.Equal(["a1", "a2"], (await Engine.ListQueuesAsync(A)).Queues.Select(q => q.Name));
        Assert.Equal(["b1"], (await Engine.ListQueuesAsync(B)).Queues.Select(q => q.Name));
        Assert.Equal(["a2"], (await Engine.ListQueuesAsync(A, new QueueListOptions { Marker = "a1" })).Queues.Select(q => q.Name));
        Assert.Equal(2, (await Engine.ListQueuesAsync(A, new QueueListOptions { WithCount = true })).Count);
    }

    [Fact]
    public async Task Project_ids_that_share_a_prefix_are_still_separate()
    {
        await Engine.CreateQueueAsync("tenant", "q");
        await PostNumberedAsync("q", 2, project: "tenant");
        await PostNumberedAsync("q", 1, project: "tenant1");

        Assert.Equal(2, (await ListAllAsync("q", "tenant")).Count);
        Assert.Single(await ListAllAsync("q", "tenant1"));
        Assert.Equal(["q"], (await Engine.ListQueuesAsync("tenant1")).Queues.Select(q => q.Name));
        Assert.Empty((await Engine.ListQueuesAsync("tenan")).Queues);
    }

    [Fact]
    public async Task Dead_lettering_stays_in_the_project()
    {
        await Engine.CreateQueueAsync(A, "work", Utf8("""{"_max_claim_count":1,"_dead_letter_queue":"dead"}"""));
        await Engine.CreateQueueAsync(B, "dead");
        await PostNumberedAsync("work", 1, project: A);

        var claim = await Engine.ClaimMessagesAsync(A, "work");
        await Engine.ReleaseClaimAsync(A, "work", claim!.ClaimId);
        Assert.Null(await Engine.ClaimMessagesAsync(A, "work"));

        Assert.Single(await ListAllAsync("dead", A));
        Assert.Empty(await ListAllAsync("dead", B));
    }

    [Fact]
    public async Task Stats_ids_of_one_project_are_not_visible_to_another()
    {
        var a = await SetUpProjectAAsync();
        await PostNumberedAsync(Queue, 1, project: B);

        var statsB = await Engine.GetQueueStatsAsync(B, Queue);
        Assert.Equal(1, statsB.Total);
        Assert.DoesNotContain(statsB.Oldest!.Id, a.Ids);
        Assert.Equal(6, (await Engine.GetQueueStatsAsync(A, Queue)).Total);
    }
}
