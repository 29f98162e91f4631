using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Core.Validation;

namespace Marconi.Core;

public sealed partial class QueueEngine
{
    /// <summary>The most queues one page of <see cref="GetProjectStatsAsync"/> lists.</summary>
    public const int MaxStatsPageSize = 100;

    // The totals walk every queue; it asks the store for names in chunks this large (not the API's page size).
    private const int StatsWalkChunk = 1000;

    /// <summary>
    /// The project's totals over all its queues (queues; free, claimed and total messages) and the counts of one page of
    /// its queues, by name after <paramref name="marker"/>. The totals cost a count of every queue of the project;
    /// the answer's size is bounded by <paramref name="limit"/> (1 to <see cref="MaxStatsPageSize"/>).
    /// </summary>
    public async ValueTask<ProjectStats> GetProjectStatsAsync(string project, string? marker = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        Names.ValidateProject(project, Limits);
        var pageSize = limit ?? Limits.DefaultPageSize;
        if (pageSize < 1 || pageSize > MaxStatsPageSize)
        {
            ThrowHelper.OutOfRange("limit", pageSize, 1, MaxStatsPageSize);
        }

        if (marker is not null && !Names.IsValidQueueName(marker, Limits.MaxQueueNameLength))
        {
            ThrowHelper.InvalidArgument("marker", "The marker must be a queue name from a previous page.");
        }

        long queues = 0, free = 0, claimed = 0;
        var page = new List<QueueCounts>(pageSize);
        var more = false;
        string? walked = null;
        while (true)
        {
            var chunk = await _store.ListQueuesAsync(project, walked, StatsWalkChunk, null, detailed: false, withCount: false, cancellationToken).ConfigureAwait(false);
            foreach (var queue in chunk.Queues)
            {
                var stats = await _store.GetQueueStatsAsync(project, queue.Name, cancellationToken).ConfigureAwait(false);
                queues++;
                free += stats.Free;
                claimed += stats.Claimed;
                if (marker is null || string.CompareOrdinal(queue.Name, marker) > 0)
                {
                    if (page.Count < pageSize)
                    {
                        page.Add(new QueueCounts(queue.Name, stats.Free, stats.Claimed));
                    }
                    else
                    {
                        more = true;
                    }
                }
            }

            if (chunk.Queues.Count < StatsWalkChunk || chunk.NextMarker is null)
            {
                break;
            }

            walked = chunk.NextMarker;
        }

        return new ProjectStats(queues, free, claimed, page, more ? page[^1].Name : null);
    }

    /// <summary>
    /// The store's own health report when it gives one (<see cref="IStoreHealth"/>), else null: then only a probe read
    /// tells whether it answers.
    /// </summary>
    public ValueTask<StoreHealth?> GetStoreHealthAsync(CancellationToken cancellationToken = default) =>
        _store is IStoreHealth health ? WrapAsync(health.GetHealthAsync(cancellationToken)) : ValueTask.FromResult<StoreHealth?>(null);

    private static async ValueTask<StoreHealth?> WrapAsync(ValueTask<StoreHealth> health) => await health.ConfigureAwait(false);
}
