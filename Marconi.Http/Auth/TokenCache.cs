using System.Collections.Concurrent;

namespace Marconi.Http.Auth;

/// <summary>
/// Successful token validations: token → (project, admin role, valid until). Bounded: an insert into a full cache first drops the
/// expired entries and, if it is still full, all of them (a rare, cheap reset rather than an LRU on every hit).
/// Lookups take the header's characters without making a string.
/// </summary>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxEntries;
    private int _count;

    public TokenCache(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _maxEntries = maxEntries;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of entries (expired ones included until they are dropped).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The project (and whether it has the admin role) of a token validated before and still trusted at <paramref name="now"/>.</summary>
    public bool TryGet(ReadOnlySpan<char> token, DateTimeOffset now, out string project, out bool isAdmin)
    {
        if (_lookup.TryGetValue(token, out var entry))
        {
            if (now < entry.ValidUntil)
            {
                project = entry.Project;
                isAdmin = entry.IsAdmin;
                return true;
            }

            if (_entries.TryRemove(new KeyValuePair<string, Entry>(new string(token), entry)))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        project = string.Empty;
        isAdmin = false;
        return false;
    }

    public void Add(string token, string project, bool isAdmin, DateTimeOffset validUntil, DateTimeOffset now)
    {
        if (Count >= _maxEntries)
        {
            Sweep(now);
        }

        var entry = new Entry(project, isAdmin, validUntil);
        if (_entries.TryAdd(token, entry))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _entries[token] = entry;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.ValidUntil <= now && _entries.TryRemove(pair))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        if (Count >= _maxEntries)
        {
            foreach (var pair in _entries)
            {
                if (_entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
    }

    private sealed record Entry(string Project, bool IsAdmin, DateTimeOffset ValidUntil);
}
