using System.Collections.Concurrent;

namespace Marconi.Http.Api;

/// <summary>
/// Shares one string per project id and queue name seen, so a request names its project and queue to the engine
/// without making strings: names come from the request as spans and are looked up without allocating.
/// </summary>
/// <remarks>
/// Bounded: once <see cref="Capacity"/> names are held, new names are made as strings per request again (a client
/// inventing names cannot grow the cache without limit). Names are never evicted; they are short and the set of
/// projects and queues a server sees is small next to the cap.
/// </remarks>
internal sealed class NameCache
{
    /// <summary>The most names kept.</summary>
    public const int Capacity = 16_384;

    /// <summary>Longer names are not kept (no valid project id or queue name is this long).</summary>
    public const int MaxLength = 256;

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NameCache() => _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared string equal to <paramref name="name"/>.</summary>
    public string Get(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return string.Empty;
        }

        if (_lookup.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var made = new string(name);
        if (name.Length <= MaxLength && _names.Count < Capacity)
        {
            return _names.GetOrAdd(made, made);
        }

        return made;
    }
}
