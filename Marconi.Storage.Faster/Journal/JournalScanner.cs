using System.Buffers;
using System.Globalization;
using FASTER.core;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// Reads the committed part of the log entry by entry, verifying each, skipping damage without ever handing out a
/// damaged payload or letting an exception escape.
/// </summary>
/// <remarks>
/// <para>
/// What FASTER 2.6.5's iterator does with damage (measured): an entry whose checksum or length is wrong throws a
/// <see cref="FasterException"/> and moves the iterator 12 bytes (one entry header) on, so calling it again walks
/// through the damaged bytes 12 at a time, throwing at each step until it lands on an entry that verifies. An unreadable
/// page (read error, missing file) throws and moves to the next page. Zeroed bytes (a cut or hole) are skipped to the
/// next page without any exception.
/// </para>
/// <para>
/// On the first failure of a damaged region the scanner reads the damaged entry's length field (unverified) and
/// probes whether an intact entry starts right after it; if so it resumes there, losing only the damaged entry.
/// Otherwise it lets FASTER walk, and after <see cref="MaxWalkSteps"/> steps it jumps to the next page, where an entry
/// always starts because entries never span pages. Silent skips are found by comparing where each entry starts with
/// where the previous one ended, allowing for FASTER's commit records and page-end padding.
/// </para>
/// </remarks>
internal sealed class JournalScanner : IDisposable
{
    /// <summary>FASTER failures in a row before giving up on the rest of the page (about 48 KiB walked).</summary>
    internal const int MaxWalkSteps = 4096;

    /// <summary>Entries followed by their length fields when hopping over a damaged one.</summary>
    private const int MaxHops = 8;

    /// <summary>A guess at a typical entry size, so probing reads usually need one I/O.</summary>
    private const int ProbeReadEstimate = 4096 - JournalFrame.FasterEntryHeaderSize;

    private readonly FasterLog _log;
    private readonly long _end;
    private readonly int _pageSizeBits;
    private readonly long _pageSize;
    private readonly int _commitRecordSize;
    private readonly ReplayReport _report;
    private readonly Action<string> _problemFound;
    private FasterLogScanIterator _iterator;
    private IMemoryOwner<byte>? _current;
    private long _expected;
    private long _damageStart = -1;
    private string? _damageCause;
    private int _damagedEntries = -1;
    private int _walkSteps;
    private bool _finished;

    /// <summary>Starts a scan of <c>[start, end)</c>.</summary>
    /// <param name="log">The recovered log.</param>
    /// <param name="start">First address to read; must be an entry or page boundary.</param>
    /// <param name="end">The committed end to stop at.</param>
    /// <param name="pageSizeBits">The log's page size as a power of two.</param>
    /// <param name="report">Receives counts and problems.</param>
    /// <param name="problemFound">Called with each problem that made it into the report.</param>
    public JournalScanner(FasterLog log, long start, long end, int pageSizeBits, ReplayReport report, Action<string> problemFound)
    {
        _log = log;
        _end = end;
        _pageSizeBits = pageSizeBits;
        _pageSize = 1L << pageSizeBits;
        _report = report;
        _problemFound = problemFound;
        _commitRecordSize = CommitRecordSize();
        _expected = start;
        _iterator = log.Scan(start, end);
    }

    /// <summary>The verified entry read by the last successful <see cref="MoveNext"/>; valid until the next call.</summary>
    public JournalRecord Current { get; private set; }

    /// <summary>True once the scan reached the end.</summary>
    public bool Finished => _finished;

    /// <summary>Where the entry after the last one read would start.</summary>
    public long Position => _expected;

    /// <summary>Moves to the next verified entry; false at the committed end.</summary>
    public bool MoveNext()
    {
        ReleaseCurrent();
        if (_finished)
        {
            return false;
        }

        while (true)
        {
            var before = _iterator.NextAddress;
            IMemoryOwner<byte> owner;
            int length;
            long address;
            long next;
            try
            {
                if (!_iterator.GetNext(MemoryPool<byte>.Shared, out owner, out length, out address, out next))
                {
                    Finish();
                    return false;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // FASTER reports damage by throwing; the scan carries on past it.
                OnUnreadable(before, exception);
                continue;
            }

            if (!JournalFrame.TryVerify(owner.Memory.Span[..length], out var payloadLength, out var problem))
            {
                // FASTER's own checksum held, so the entry's extent is known: drop exactly this entry.
                owner.Dispose();
                CloseGap(address);
                _expected = next;
                _walkSteps = 0;
                _report.CountDropped(1, length);
                Report(string.Create(CultureInfo.InvariantCulture, $"Entry at {address} ({length} bytes) dropped: {problem}."));
                continue;
            }

            CloseGap(address);
            _expected = next;
            _walkSteps = 0;
            _current = owner;
            Current = new JournalRecord(address, owner.Memory.Slice(JournalFrame.HeaderSize, payloadLength));
            _report.CountReplayed();
            return true;
        }
    }

    /// <summary>Releases the current buffer and the FASTER iterator.</summary>
    public void Dispose()
    {
        ReleaseCurrent();
        _iterator.Dispose();
    }

    private void OnUnreadable(long before, Exception exception)
    {
        if (_damageStart < 0)
        {
            _damageStart = _expected;
            _damageCause = exception.Message;
            if (TryHopOver(before))
            {
                return;
            }
        }

        _walkSteps++;
        var after = _iterator.NextAddress;
        if (after <= before)
        {
            // No progress: the next page starts with an entry (or is empty), because entries never span pages.
            RestartAt(NextPageStart(before));
        }
        else if (_walkSteps >= MaxWalkSteps)
        {
            // Walking too long through garbage: give up on the rest of this page.
            RestartAt(PageStart(after) == after ? after : NextPageStart(after));
        }
    }

    /// <summary>
    /// Follows the (unverified) length fields from <paramref name="position"/>, skipping commit records, and resumes at
    /// the first boundary where an intact entry starts.
    /// </summary>
    private bool TryHopOver(long position)
    {
        var pageEnd = PageStart(position) + _pageSize;
        var entries = 0;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var length = ReadLengthField(position);
            if (length == 0 || length == int.MinValue)
            {
                return false;
            }

            // A negative length marks one of FASTER's commit records, which replay never yields.
            entries += length > 0 ? 1 : 0;
            position += JournalFrame.FasterEntryHeaderSize + Align(Math.Abs(length));
            if (position > pageEnd || position > _end)
            {
                return false;
            }

            if (position == _end || (position > _iterator.NextAddress && IsIntactEntry(position)))
            {
                _damagedEntries = entries;
                RestartAt(position);
                return true;
            }
        }

        return false;
    }

    private int ReadLengthField(long address)
    {
        try
        {
            return _log.ReadRecordLengthAsync(address).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Unreadable header: no hop.
            return 0;
        }
    }

    private bool IsIntactEntry(long address)
    {
        try
        {
            var (owner, length) = _log.ReadAsync(address, MemoryPool<byte>.Shared, ProbeReadEstimate).AsTask().GetAwaiter().GetResult();
            using (owner)
            {
                return owner is not null && JournalFrame.TryVerify(owner.Memory.Span[..length], out _, out _);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // FASTER's checksum failed or the read failed: not an entry start.
            return false;
        }
    }

    private void RestartAt(long address)
    {
        _iterator.Dispose();
        _iterator = _log.Scan(Math.Min(address, _end), _end);
        _walkSteps = 0;
    }

    /// <summary>Accounts for what lies between the end of the previous entry and <paramref name="address"/>.</summary>
    private void CloseGap(long address)
    {
        if (_damageStart >= 0)
        {
            var bytes = address - _damageStart;

            // Entries lost are known only when the hop followed intact length fields; a walked region counts once.
            _report.CountDropped(_damagedEntries < 0 ? 1 : _damagedEntries, bytes);
            Report(address >= _end
                ? string.Create(CultureInfo.InvariantCulture, $"Bytes {_damageStart} to {address} ({bytes} bytes) at the end of the log are unreadable and were dropped: {_damageCause}")
                : string.Create(CultureInfo.InvariantCulture, $"Bytes {_damageStart} to {address} ({bytes} bytes) are unreadable and were skipped: {_damageCause}"));
            _damageStart = -1;
            _damageCause = null;
            _damagedEntries = -1;
            return;
        }

        var lost = UnexplainedGap(_expected, address);
        if (lost > 0)
        {
            _report.CountDropped(1, lost);
            Report(string.Create(CultureInfo.InvariantCulture, $"Bytes {_expected} to {address} hold no readable entry ({lost} bytes zeroed or missing) and were skipped."));
        }
    }

    /// <summary>
    /// Bytes between <paramref name="expected"/> (end of the previous entry) and <paramref name="actual"/> (start of
    /// the next one, or the end) that commit records and page-end padding cannot account for.
    /// </summary>
    private long UnexplainedGap(long expected, long actual)
    {
        if (actual <= expected)
        {
            return 0;
        }

        var nextPage = PageStart(expected) + _pageSize;
        if (actual < nextPage)
        {
            // Same page: only commit records (all the same size here) may lie in between.
            var gap = actual - expected;
            return gap % _commitRecordSize == 0 ? 0 : gap;
        }

        // The rest of the previous page may be commit records and padding; whole pages cannot be.
        var intoPage = actual - PageStart(actual);
        var skippedPages = PageStart(actual) - nextPage;
        return skippedPages + (intoPage % _commitRecordSize == 0 ? 0 : intoPage);
    }

    private void Finish()
    {
        _finished = true;
        var damaged = _damageStart >= 0;
        var tailStart = damaged ? _damageStart : _expected;
        var droppedBefore = _report.BytesDropped;
        CloseGap(_end);
        _report.StoppedAtAddress = damaged || _report.BytesDropped > droppedBefore ? tailStart : _end;
    }

    private void Report(string problem)
    {
        if (_report.AddProblem(problem))
        {
            _problemFound(problem);
        }
    }

    private void ReleaseCurrent()
    {
        _current?.Dispose();
        _current = null;
        Current = default;
    }

    private long PageStart(long address) => address >> _pageSizeBits << _pageSizeBits;

    private long NextPageStart(long address) => PageStart(address) + _pageSize;

    private static int Align(int length) => (length + 3) & ~3;

    /// <summary>Size of the commit records FASTER writes into the log in fast-commit mode (no cookie, no named iterators).</summary>
    private static int CommitRecordSize()
    {
        var info = new FasterLogRecoveryInfo();
        info.Initialize();
        return JournalFrame.FasterEntryHeaderSize + Align(info.SerializedSize());
    }
}
