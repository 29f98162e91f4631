using Marconi.Core;
using Marconi.Core.Model;

namespace Marconi.Tests.Durability;

/// <summary>Reads a whole queue through the public listing, page by page, the way a client would.</summary>
internal static class MessageScan
{
    /// <summary>A client id no test posts with; listings use echo anyway.</summary>
    public static readonly Guid Auditor = Guid.Parse("99999999-9999-9999-9999-999999999999");

    /// <summary>
    /// Every live message of the queue, oldest first: echo, claimed and delayed included, through all pages. Fails if
    /// the listing does not end after <paramref name="maxMessages"/> messages (a marker loop).
    /// </summary>
    public static async Task<List<QueuedMessage>> ListAllAsync(QueueEngine engine, string project, string queue, int maxMessages = 1_000_000)
    {
        var all = new List<QueuedMessage>();
        string? marker = null;
        var limit = engine.Limits.MaxPageSize;
        while (true)
        {
            var page = await engine.ListMessagesAsync(project, queue, Auditor, new MessageListOptions
            {
                Marker = marker,
                Limit = limit,
                Echo = true,
                IncludeClaimed = true,
                IncludeDelayed = true,
            });
            if (page.Messages.Count == 0)
            {
                return all;
            }

            all.AddRange(page.Messages);
            if (all.Count > maxMessages)
            {
                Assert.Fail($"Listing {project}/{queue} returned more than {maxMessages} messages: the marker does not advance.");
            }

            Assert.True(page.NextMarker is not null && page.NextMarker != marker, $"Listing {project}/{queue}: the next marker did not advance past {marker}.");
            marker = page.NextMarker;
        }
    }
}
