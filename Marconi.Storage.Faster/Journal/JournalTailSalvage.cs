using System.Buffers.Binary;
using FASTER.core;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// Reads FASTER's on-disk log format directly, past the point where FASTER's own recovery stopped, to find how much of
/// the log is still intact and committed.
/// </summary>
/// <remarks>
/// <para>
/// FASTER's fast-commit recovery scans forward from its last metadata file (written every 1000 commits) and stops at
/// the first entry it cannot parse, treating everything later as never committed. One damaged entry would so lose
/// every acknowledged write after it. This scan, run on the closed files, finds instead:
/// </para>
/// <list type="number">
/// <item>the run of intact entries right after FASTER's end (each checked with FASTER's XOR checksum and our CRC),</item>
/// <item>past the first damage, the last intact FASTER commit record (a record with a negative length whose recovery
/// info parses and names its own end as the committed end: random bytes cannot pass all three checks), and</item>
/// <item>the run of intact entries after that commit record.</item>
/// </list>
/// <para>
/// The end of that last run becomes the journal's committed end. Damage inside is left for the replay to skip.
/// Intact entries after the last commit record are kept: on disk they cannot be told from entries whose commit record
/// was destroyed, and losing acknowledged writes is worse than keeping writes whose acknowledgement a crash may have
/// swallowed (the log is at-least-once either way).
/// </para>
/// <para>
/// Entry layout with per-entry checksums: 8-byte XOR checksum of the rest, 4-byte length (negative for commit
/// records), the body, padding to 4 bytes. Entries never span pages; a zero length means the rest of the page is
/// padding, and at a page start that nothing was written there.
/// </para>
/// </remarks>
internal sealed class JournalTailSalvage : IDisposable
{
    /// <summary>Largest commit-record body considered; ours carry no cookie and no named iterators (44 bytes).</summary>
    private const int MaxCommitBody = 4096;

    private readonly string _directory;
    private readonly int _pageSizeBits;
    private readonly int _segmentSizeBits;
    private readonly int _pageSize;
    private readonly byte[] _page;
    private readonly Dictionary<long, FileStream?> _segments = [];
    private long _pageIndex = -1;

    private JournalTailSalvage(string directory, int pageSizeBits, int segmentSizeBits)
    {
        _directory = directory;
        _pageSizeBits = pageSizeBits;
        _segmentSizeBits = segmentSizeBits;
        _pageSize = 1 << pageSizeBits;
        _page = new byte[_pageSize];
    }

    /// <summary>
    /// Finds the committed end of the log in <paramref name="directory"/> (whose files must be closed), given the end
    /// FASTER's recovery reached.
    /// </summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="pageSizeBits">The log's page size as a power of two.</param>
    /// <param name="segmentSizeBits">The log's segment size as a power of two.</param>
    /// <param name="recoveredEnd">Where FASTER's recovery stopped.</param>
    /// <returns>Where the intact, committed log really ends, and the commit facts needed to continue it.</returns>
    public static SalvagedTail Find(string directory, int pageSizeBits, int segmentSizeBits, long recoveredEnd)
    {
        using var scan = new JournalTailSalvage(directory, pageSizeBits, segmentSizeBits);
        var diskEnd = scan.DiskEnd();
        var result = new SalvagedTail(recoveredEnd, recoveredEnd, -1, -1);
        if (diskEnd <= recoveredEnd)
        {
            return result;
        }

        var run = scan.WalkIntact(recoveredEnd, diskEnd);
        result = result.Including(run);
        var commit = scan.FindLastCommitRecord(run.End, diskEnd);
        if (commit is { } found && found.Info.UntilAddress > run.End)
        {
            result = result.Including(new IntactRun(found.Info.UntilAddress, found.Info.CommitNum, found.Info.BeginAddress));
            result = result.Including(scan.WalkIntact(found.Info.UntilAddress, diskEnd));
            result = result with { DamageSkipped = run.End };
        }

        return result;
    }

    /// <summary>Closes the segment files.</summary>
    public void Dispose()
    {
        foreach (var stream in _segments.Values)
        {
            stream?.Dispose();
        }
    }

    /// <summary>FASTER's per-entry checksum: the XOR of the little-endian 8-byte words, then of the bytes left over.</summary>
    internal static ulong FasterChecksum(ReadOnlySpan<byte> bytes)
    {
        ulong result = 0;
        var i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            result ^= BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]);
        }

        for (; i < bytes.Length; i++)
        {
            result ^= bytes[i];
        }

        return result;
    }

    /// <summary>Follows entries from <paramref name="from"/> while each one is intact.</summary>
    private IntactRun WalkIntact(long from, long diskEnd)
    {
        var end = from;
        var commitNum = -1L;
        var beginAddress = -1L;
        var position = from;
        while (position < diskEnd)
        {
            var offset = (int)(position & (_pageSize - 1));
            if (offset + JournalFrame.FasterEntryHeaderSize > _pageSize)
            {
                position = NextPage(position);
                continue;
            }

            var entry = Page(position).AsSpan(offset);
            var length = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
            if (length == 0)
            {
                if (offset == 0)
                {
                    break;
                }

                // Padding: the next entry did not fit in this page.
                position = NextPage(position);
                continue;
            }

            if (!TryMeasure(entry, length, offset, out var body, out var size))
            {
                break;
            }

            if (length < 0)
            {
                if (!TryParseCommit(body, position + size, out var info))
                {
                    break;
                }

                commitNum = info.CommitNum;
                beginAddress = info.BeginAddress;
            }
            else if (!JournalFrame.TryVerify(body, out _, out _))
            {
                break;
            }

            position += size;
            end = position;
        }

        return new IntactRun(end, commitNum, beginAddress);
    }

    /// <summary>The intact commit record at the highest address in <c>[from, to)</c>, if any.</summary>
    private (long Address, FasterLogRecoveryInfo Info)? FindLastCommitRecord(long from, long to)
    {
        for (var page = (to - 1) >> _pageSizeBits; page >= from >> _pageSizeBits; page--)
        {
            var pageStart = page << _pageSizeBits;
            var bytes = Page(pageStart);
            (long, FasterLogRecoveryInfo)? best = null;
            var first = (int)(Math.Max(from, pageStart) - pageStart + 3) & ~3;
            for (var offset = first; offset + JournalFrame.FasterEntryHeaderSize <= _pageSize; offset += 4)
            {
                var entry = bytes.AsSpan(offset);
                var length = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
                if (length >= 0 || length < -MaxCommitBody || !TryMeasure(entry, length, offset, out var body, out var size))
                {
                    continue;
                }

                if (pageStart + offset + size <= to && TryParseCommit(body, pageStart + offset + size, out var info))
                {
                    best = (pageStart + offset, info);
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>Checks that an entry of <paramref name="length"/> fits in its page and that FASTER's checksum holds.</summary>
    private bool TryMeasure(ReadOnlySpan<byte> entry, int length, int offset, out ReadOnlySpan<byte> body, out int size)
    {
        body = default;
        size = 0;
        if (length == int.MinValue)
        {
            return false;
        }

        var bodyLength = Math.Abs(length);
        var entrySize = (long)JournalFrame.FasterEntryHeaderSize + ((bodyLength + 3L) & ~3L);
        if (offset + entrySize > _pageSize)
        {
            return false;
        }

        // The checksum covers the length field and the body.
        if (FasterChecksum(entry.Slice(8, bodyLength + 4)) != BinaryPrimitives.ReadUInt64LittleEndian(entry))
        {
            return false;
        }

        body = entry.Slice(JournalFrame.FasterEntryHeaderSize, bodyLength);
        size = (int)entrySize;
        return true;
    }

    private static bool TryParseCommit(ReadOnlySpan<byte> body, long recordEnd, out FasterLogRecoveryInfo info)
    {
        info = default;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(body.ToArray()));
            info.Initialize(reader);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not recovery info: FASTER's parser checks its own version and checksum.
            return false;
        }

        // In fast-commit mode a commit record names its own end as the committed end.
        return info.UntilAddress == recordEnd && info.BeginAddress > 0 && info.BeginAddress <= recordEnd && info.CommitNum >= 0;
    }

    /// <summary>The bytes of the page holding <paramref name="address"/>; zeroes where the files hold nothing.</summary>
    private byte[] Page(long address)
    {
        var index = address >> _pageSizeBits;
        if (index == _pageIndex)
        {
            return _page;
        }

        Array.Clear(_page);
        var start = index << _pageSizeBits;
        var stream = Segment(start >> _segmentSizeBits);
        if (stream is not null)
        {
            stream.Position = start & ((1L << _segmentSizeBits) - 1);
            stream.ReadAtLeast(_page, _page.Length, throwOnEndOfStream: false);
        }

        _pageIndex = index;
        return _page;
    }

    private FileStream? Segment(long segment)
    {
        if (!_segments.TryGetValue(segment, out var stream))
        {
            var path = Path.Combine(_directory, $"{JournalStorage.SegmentBaseName}.{segment}");
            stream = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite) : null;
            _segments[segment] = stream;
        }

        return stream;
    }

    private long DiskEnd()
    {
        var end = 0L;
        foreach (var (path, segment) in JournalRecovery.SegmentFiles(_directory))
        {
            end = Math.Max(end, (segment << _segmentSizeBits) + new FileInfo(path).Length);
        }

        return end;
    }

    private long NextPage(long address) => ((address >> _pageSizeBits) + 1) << _pageSizeBits;

    /// <summary>Where a run of intact entries ends, and the last commit record in it (-1 when none).</summary>
    internal readonly record struct IntactRun(long End, long CommitNum, long BeginAddress);

    /// <summary>What the salvage found.</summary>
    /// <param name="RecoveredEnd">Where FASTER's recovery stopped.</param>
    /// <param name="End">Where the intact, committed log ends; at least <paramref name="RecoveredEnd"/>.</param>
    /// <param name="CommitNum">The last commit number seen past FASTER's end, or -1.</param>
    /// <param name="BeginAddress">The begin address named by that commit, or -1.</param>
    internal readonly record struct SalvagedTail(long RecoveredEnd, long End, long CommitNum, long BeginAddress)
    {
        /// <summary>Where the first damage past FASTER's end starts, when the salvage jumped over it; otherwise -1.</summary>
        public long DamageSkipped { get; init; } = -1;

        /// <summary>Extends the result to the end of <paramref name="run"/>.</summary>
        internal SalvagedTail Including(IntactRun run) => this with
        {
            End = Math.Max(End, run.End),
            CommitNum = Math.Max(CommitNum, run.CommitNum),
            BeginAddress = run.BeginAddress > 0 ? Math.Max(BeginAddress, run.BeginAddress) : BeginAddress,
        };
    }
}
