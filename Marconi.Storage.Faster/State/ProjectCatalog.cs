using System.Collections.Concurrent;

namespace Marconi.Storage.Faster.State;

/// <summary>One project's queues: a concurrent map for lookups and a sorted name set for listings.</summary>
internal sealed class ProjectCatalog
{
    private readonly ConcurrentDictionary<string, QueueState> _queues = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Guards <see cref="_names"/> and serialises creating and deleting this project's queues.</summary>
    public Lock Gate { get; } = new();

    public QueueState? Find(string name) => _queues.TryGetValue(name, out var queue) ? queue : null;

    /// <summary>Adds a queue; the caller holds <see cref="Gate"/> (or is recovering, single-threaded).</summary>
    public void Add(QueueState queue)
    {
        _queues[queue.Name] = queue;
        _names.Add(queue.Name);
    }

    /// <summary>Removes a queue; the caller holds <see cref="Gate"/> (or is recovering).</summary>
    public void Remove(QueueState queue)
    {
        if (_queues.TryGetValue(queue.Name, out var current) && ReferenceEquals(current, queue))
        {
            _queues.TryRemove(queue.Name, out _);
            _names.Remove(queue.Name);
        }
    }

    /// <summary>Names after <paramref name="marker"/> starting with <paramref name="prefix"/>, at most <paramref name="limit"/>, and optionally how many match in all.</summary>
    public (List<QueueState> Page, long Count) List(string? marker, int limit, string? prefix, bool withCount)
    {
        var page = new List<QueueState>(limit);
        long count = 0;
        lock (Gate)
        {
            foreach (var name in _names)
            {
                if (prefix is not null && !name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    // Names are sorted: once past the prefix range nothing further can match.
                    if (string.CompareOrdinal(name, prefix) > 0)
                    {
                        break;
                    }

                    continue;
                }

                count++;
                if (page.Count < limit && (marker is null || string.CompareOrdinal(name, marker) > 0) && _queues.TryGetValue(name, out var queue))
                {
                    page.Add(queue);
                }
                else if (!withCount && page.Count == limit)
                {
                    break;
                }
            }
        }

        return (page, count);
    }

    public IEnumerable<QueueState> All => _queues.Values;
}
