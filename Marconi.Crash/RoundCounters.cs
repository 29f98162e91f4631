using System.Collections.Concurrent;
using System.Globalization;

namespace Marconi.Crash;

/// <summary>What the workers of one round saw, for the round's line on stderr (the ledger holds the facts).</summary>
internal sealed class RoundCounters
{
    private readonly ConcurrentDictionary<string, int> _unexpected = new(StringComparer.Ordinal);
    private int _postsInDoubt;
    private int _deletesInDoubt;
    private int _deletesRefused;
    private int _emptyClaims;

    /// <summary>Posts (requests) without an answer: in flight at the kill.</summary>
    public int PostsInDoubt => Volatile.Read(ref _postsInDoubt);

    /// <summary>Deletes without an answer.</summary>
    public int DeletesInDoubt => Volatile.Read(ref _deletesInDoubt);

    /// <summary>Deletes answered 4xx (a message claimed by someone else, an expired claim).</summary>
    public int DeletesRefused => Volatile.Read(ref _deletesRefused);

    /// <summary>Claims answered 204 (nothing free).</summary>
    public int EmptyClaims => Volatile.Read(ref _emptyClaims);

    public void PostInDoubt() => Interlocked.Increment(ref _postsInDoubt);

    public void DeleteInDoubt() => Interlocked.Increment(ref _deletesInDoubt);

    public void DeleteRefused() => Interlocked.Increment(ref _deletesRefused);

    public void EmptyClaim() => Interlocked.Increment(ref _emptyClaims);

    /// <summary>Counts an answer the workers did not expect while the server was up (a 5xx, say); printed with the round.</summary>
    public void Unexpected(string what) => _unexpected.AddOrUpdate(what, 1, (_, n) => n + 1);

    /// <summary>The unexpected answers, "what xN" joined; empty when there were none.</summary>
    public string UnexpectedSummary() =>
        string.Join(", ", _unexpected.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} x{p.Value}")));
}
