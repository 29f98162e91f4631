using Marconi.Core.Model;
using Marconi.Storage.Faster.State;
using Marconi.Tests.Support;

namespace Marconi.Tests.Storage;

/// <summary>
/// A queue's table of posting clients: searched linearly while small, hashed once it grows, and the same indexes
/// either way, also through a checkpoint and a log replay. Listing without echo is what reads it.
/// </summary>
public sealed class QueueStateClientTests : EngineTestBase
{
    // More clients than the linear search serves, so every test crosses the switch to the hashed table.
    private const int Clients = 20;

    private static readonly Guid[] ClientIds = [.. Enumerable.Range(1, Clients).Select(i => new Guid(i, 0, 0, new byte[8]))];

    [Fact]
    public void Indexes_are_given_in_order_of_first_post_and_kept_when_the_table_grows()
    {
        var queue = new QueueState(1, Project, "q", 0, QueueMetadata.Empty);
        for (var i = 0; i < Clients; i++)
        {
            Assert.Equal(-1, queue.FindClient(ClientIds[i]));
            Assert.Equal(i, queue.InternClient(ClientIds[i]));

            // Every client seen so far keeps its index, before and after the table switched to hashing.
            for (var seen = 0; seen <= i; seen++)
            {
                Assert.Equal(seen, queue.FindClient(ClientIds[seen]));
                Assert.Equal(seen, queue.InternClient(ClientIds[seen]));
            }
        }

        Assert.Equal(ClientIds, queue.Clients);
        Assert.Equal(-1, queue.FindClient(Guid.NewGuid()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Listing_without_echo_hides_each_clients_own_messages_before_and_after_a_reopen(bool checkpoint)
    {
        await Engine.CreateQueueAsync(Project, "q");
        for (var i = 0; i < Clients; i++)
        {
            await Engine.PostMessagesAsync(Project, "q", [Msg($"{{\"n\": {i}}}")], ClientIds[i]);
        }

        await AssertEachClientSeesOnlyOthersAsync();
        if (checkpoint)
        {
            await Harness.Store.CheckpointAsync();
        }

        await Harness.ReopenAsync();
        await AssertEachClientSeesOnlyOthersAsync();
    }

    private async Task AssertEachClientSeesOnlyOthersAsync()
    {
        for (var i = 0; i < Clients; i++)
        {
            var page = await ListAsync("q", limit: Clients, client: ClientIds[i]);
            var seen = page.Messages.Select(N).ToHashSet();
            Assert.Equal(Clients - 1, seen.Count);
            Assert.DoesNotContain(i, seen);
            Assert.All(page.Messages, m => Assert.NotEqual(ClientIds[i], m.ClientId));
        }
    }
}
