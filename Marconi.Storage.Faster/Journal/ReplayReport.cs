namespace Marconi.Storage.Faster.Journal;

/// <summary>What a <see cref="FasterJournal.Replay"/> scan found: entries served, damage skipped, where it ended.</summary>
/// <remarks>
/// Damage found while opening the journal (bytes set aside beyond the recovered end, a recovery that failed) is
/// reported here too, at the start of the scan, so one report tells the whole story of a restart.
/// </remarks>
internal sealed class ReplayReport
{
    /// <summary>Problems listed in full; beyond this only their number is kept, so a wrecked log cannot flood memory.</summary>
    internal const int MaxListedProblems = 100;

    private readonly List<string> _problems = [];
    private long _unlistedProblems;

    /// <summary>Entries whose header and CRC verified and that were handed to the caller.</summary>
    public long EntriesReplayed { get; private set; }

    /// <summary>
    /// Entries left out: each entry that failed our checks counts once, and each unreadable region counts once,
    /// however many entries it held (FASTER cannot tell).
    /// </summary>
    public long EntriesDropped { get; private set; }

    /// <summary>Bytes of log left out: failed entries, unreadable regions, and data set aside when opening.</summary>
    public long BytesDropped { get; private set; }

    /// <summary>
    /// Where the scan ended: the committed end of the log when it read to the end, or the start of the damaged tail
    /// when nothing valid followed the damage.
    /// </summary>
    public long StoppedAtAddress { get; internal set; }

    /// <summary>Each problem in words, in the order found; empty when the log was intact.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>True when nothing was dropped and no problem was found.</summary>
    public bool IsClean => _problems.Count == 0 && _unlistedProblems == 0 && EntriesDropped == 0 && BytesDropped == 0;

    /// <summary>Counts one entry handed to the caller.</summary>
    internal void CountReplayed() => EntriesReplayed++;

    /// <summary>Counts dropped entries and bytes.</summary>
    internal void CountDropped(long entries, long bytes)
    {
        EntriesDropped += entries;
        BytesDropped += bytes;
    }

    /// <summary>Records a problem; returns false once the list is full and the problem was only counted.</summary>
    internal bool AddProblem(string problem)
    {
        if (_problems.Count < MaxListedProblems)
        {
            _problems.Add(problem);
            return true;
        }

        _unlistedProblems++;
        return false;
    }

    /// <summary>Closes the list: notes how many problems were counted but not listed.</summary>
    internal void Complete()
    {
        if (_unlistedProblems > 0)
        {
            _problems.Add($"... and {_unlistedProblems} more problems not listed.");
            _unlistedProblems = 0;
        }
    }
}
