using System.Globalization;
using FASTER.core;
using Microsoft.Extensions.Logging;
using static System.FormattableString;

namespace Marconi.Storage.Faster.Journal;

/// <summary>Opens a journal's FASTER log and leaves it in a state that is safe to append to.</summary>
/// <remarks>
/// <para>
/// What FASTER 2.6.5 does on its own (measured): in fast-commit mode recovery reads the newest commit-metadata file
/// (written only every 1000 commits) and then scans the log forward from there for commit records, stopping at the
/// first entry it cannot parse (checksum failure, bad length, zeroes, missing file). Everything after that point is
/// treated as never committed: the tail moves back there and new appends overwrite it. It does not throw for flipped
/// bytes, cut files, missing segments or a damaged metadata file. So one damaged entry after the last metadata file
/// loses every acknowledged write behind it, and what stays on disk past the new tail is a trap: new appends overwrite
/// it only partly, and a later recovery can scan through into the old commit records and revive stale entries
/// (seen in experiments).
/// </para>
/// <para>
/// So when anything but zeroes lies past FASTER's end, the journal closes the log, reads the files itself
/// (<see cref="JournalTailSalvage"/>) to find how far the log is intact and committed, moves whatever lies beyond
/// that to <c>quarantine/&lt;time&gt;/</c> (zeroing it in place) and, if the salvaged end is further than FASTER's,
/// writes a commit-metadata file naming it before recovering again, so FASTER restores the log there and later
/// recoveries start past the damage. Damage inside the kept range is skipped by the replay.
/// </para>
/// <para>
/// If FASTER's recovery throws anyway (not seen for any damage tried, but a read error can), all log and commit files
/// are moved to a quarantine directory and the journal starts empty: appending on top of a log FASTER cannot recover
/// would only mix new entries into unreadable ones. The data is kept for manual salvage and the loss is reported
/// loudly (error log, replay report) rather than refusing to start.
/// </para>
/// <para>
/// A store reopening its journal after a storage fault sets <see cref="FasterJournalOptions.Strict"/>: then every
/// fallback that would give up committed entries (starting empty, continuing from FASTER's shorter end) throws
/// <see cref="JournalUnavailableException"/> instead, because the cause may be the fault itself and a later attempt
/// can do better. Bytes past the committed end are never committed, so when the disk is too full to copy them to
/// quarantine they are dropped rather than kept, and the drop is reported.
/// </para>
/// </remarks>
internal static class JournalRecovery
{
    /// <summary>Subdirectory of the journal directory that receives set-aside files.</summary>
    public const string QuarantineDirectoryName = "quarantine";

    /// <summary>Read size when checking whether the bytes past the recovered end are all zero.</summary>
    private const int ProbeChunk = 64 * 1024;

    /// <summary>Creates and recovers the log in <paramref name="directory"/>.</summary>
    /// <param name="directory">The journal directory (must exist).</param>
    /// <param name="options">Journal settings.</param>
    /// <param name="logger">Receives a warning for each problem and an error when recovery fails.</param>
    /// <param name="problems">Receives a description of each problem.</param>
    /// <param name="bytesSetAside">Bytes moved out of the live log.</param>
    /// <returns>The recovered storage, ready for appends.</returns>
    public static JournalStorage Open(string directory, FasterJournalOptions options, ILogger logger, List<string> problems, out long bytesSetAside)
    {
        bytesSetAside = 0;
        var storage = JournalStorage.Create(directory, options);
        if (!TryRecover(storage, out var failure))
        {
            storage.Dispose();
            return StartEmpty(directory, options, logger, problems, failure, ref bytesSetAside);
        }

        var recoveredEnd = storage.Log.CommittedUntilAddress;
        if (FindDataBeyond(directory, options.SegmentSizeBits, recoveredEnd).Count == 0)
        {
            return storage;
        }

        // Bytes lie past FASTER's end. Read them with the files closed (FASTER holds the tail page as read from
        // disk), keep what is intact and committed, set the rest aside, then recover again.
        var sectorSize = (int)storage.Device.SectorSize;
        var recoveredBegin = storage.Log.BeginAddress;
        var metadataCommitNum = storage.CommitManager.ListCommits().DefaultIfEmpty(0).Max();
        storage.Dispose();

        var tail = SalvageTail(directory, options, recoveredEnd, logger, problems);
        bytesSetAside += SetAsideBeyond(directory, options, tail.End, sectorSize, logger, problems);

        storage = JournalStorage.Create(directory, options);
        var extended = tail.End > recoveredEnd;
        var commitNum = Math.Max(metadataCommitNum, tail.CommitNum) + 1;
        if (extended && !TryWriteCommitMetadata(storage, Math.Max(recoveredBegin, tail.BeginAddress), tail.End, commitNum, out failure))
        {
            AbandonCommitMetadata(storage, commitNum);
            return ContinueFromRecoveredEnd(directory, options, logger, problems, recoveredEnd, tail.End, failure, sectorSize, ref bytesSetAside);
        }

        if (!TryRecover(storage, out failure))
        {
            storage.Dispose();
            return StartEmpty(directory, options, logger, problems, failure, ref bytesSetAside);
        }

        if (extended && storage.Log.CommittedUntilAddress != tail.End)
        {
            var reached = storage.Log.CommittedUntilAddress;
            AbandonCommitMetadata(storage, commitNum);
            return ContinueFromRecoveredEnd(directory, options, logger, problems, recoveredEnd, tail.End, new InvalidDataException(Invariant($"FASTER recovered to {reached}")), sectorSize, ref bytesSetAside);
        }

        if (extended)
        {
            Report(logger, problems, tail.DamageSkipped >= 0
                ? Invariant($"FASTER's recovery stopped at {recoveredEnd} because of damage at {tail.DamageSkipped}; intact commit records follow it, so the journal was recovered up to {tail.End} and the replay skips the damaged entries.")
                : Invariant($"{tail.End - recoveredEnd} bytes of intact entries follow the last readable commit record at {recoveredEnd} (their commit record is missing or damaged); they were kept."));
        }

        return storage;
    }

    /// <summary>Removes the commit-metadata file the salvage wrote, so it cannot steer a later recovery, and closes the log.</summary>
    private static void AbandonCommitMetadata(JournalStorage storage, long commitNum)
    {
        try
        {
            storage.CommitManager.RemoveCommit(commitNum);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FasterException)
        {
            // Nothing was written, or it cannot be removed: FASTER then recovers from it and the zeroed tail again.
        }
        finally
        {
            storage.Dispose();
        }
    }

    /// <summary>Falls back to the end FASTER found: sets aside everything after it and recovers again.</summary>
    private static JournalStorage ContinueFromRecoveredEnd(string directory, FasterJournalOptions options, ILogger logger, List<string> problems, long recoveredEnd, long salvagedEnd, Exception failure, int sectorSize, ref long bytesSetAside)
    {
        if (options.Strict)
        {
            throw new JournalUnavailableException(Invariant($"The journal in '{directory}' could not be recovered up to {salvagedEnd} ({failure.GetType().Name}: {failure.Message}); not continuing from {recoveredEnd} during a reopen."), failure);
        }

        Report(logger, problems, Invariant($"The journal could not be recovered up to {salvagedEnd} ({failure.GetType().Name}: {failure.Message}); it continues from {recoveredEnd} instead."));
        bytesSetAside += SetAsideBeyond(directory, options, recoveredEnd, sectorSize, logger, problems);
        var storage = JournalStorage.Create(directory, options);
        if (!TryRecover(storage, out var second))
        {
            storage.Dispose();
            return StartEmpty(directory, options, logger, problems, second, ref bytesSetAside);
        }

        return storage;
    }

    private static JournalTailSalvage.SalvagedTail SalvageTail(string directory, FasterJournalOptions options, long recoveredEnd, ILogger logger, List<string> problems)
    {
        try
        {
            return JournalTailSalvage.Find(directory, options.PageSizeBits, options.SegmentSizeBits, recoveredEnd);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Report(logger, problems, Invariant($"The log past {recoveredEnd} could not be read ({exception.Message}); the journal continues from there."));
            return new JournalTailSalvage.SalvagedTail(recoveredEnd, recoveredEnd, -1, -1);
        }
    }

    /// <summary>
    /// Writes a commit-metadata file naming <paramref name="untilAddress"/> as the committed end, through FASTER's own
    /// commit manager and recovery-info format, so that FASTER's recovery restores the log exactly there.
    /// </summary>
    /// <remarks>
    /// <see cref="FasterLog.Initialize"/> looks like the tool for this but was measured to break the log: it does not
    /// load the bytes before the new end into the tail page, and its next flush writes that sector back from memory,
    /// zeroing the end of the last entry. Recovery from a metadata file loads the whole tail page first.
    /// </remarks>
    private static bool TryWriteCommitMetadata(JournalStorage storage, long beginAddress, long untilAddress, long commitNum, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out Exception? failure)
    {
        try
        {
            var info = default(FasterLogRecoveryInfo);
            info.Initialize();
            info.BeginAddress = beginAddress;
            info.UntilAddress = untilAddress;
            info.CommitNum = commitNum;

            // The highest commit number wins at recovery; the forward scan from this end finds nothing (it was zeroed).
            storage.CommitManager.Commit(beginAddress, untilAddress, info.ToByteArray(), commitNum, true);
            failure = null;
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            failure = exception;
            return false;
        }
    }

    /// <summary>Moves whatever lies at or beyond <paramref name="end"/> to a new quarantine directory.</summary>
    private static long SetAsideBeyond(string directory, FasterJournalOptions options, long end, int sectorSize, ILogger logger, List<string> problems)
    {
        var surplus = FindDataBeyond(directory, options.SegmentSizeBits, end);
        if (surplus.Count == 0)
        {
            return 0;
        }

        var quarantine = CreateQuarantineDirectory(directory);
        var bytes = SetAside(surplus, quarantine, sectorSize, out var dropped);
        if (dropped && !Directory.EnumerateFileSystemEntries(quarantine).Any())
        {
            // Retries on a full disk would otherwise leave an empty directory each.
            Directory.Delete(quarantine);
        }

        if (bytes > 0)
        {
            Report(logger, problems, dropped
                ? Invariant($"{bytes} bytes beyond the recovered end {end} are not intact entries under a readable commit (a write torn by a crash or a storage fault); the disk was too full to copy them to quarantine, so they were dropped.")
                : Invariant($"{bytes} bytes beyond the recovered end {end} are not intact entries under a readable commit (a write torn by a crash, or damage with nothing readable after it); they were moved to {quarantine}."));
        }

        return bytes;
    }

    private static void Report(ILogger logger, List<string> problems, string problem)
    {
        problems.Add(problem);
        JournalLog.Problem(logger, problem);
    }

    private static bool TryRecover(JournalStorage storage, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out Exception? failure)
    {
        try
        {
            storage.Log.Recover();
            failure = null;
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever FASTER throws here, the log as it is on disk cannot be opened for writing.
            failure = exception;
            return false;
        }
    }

    /// <summary>Moves every log and commit file aside and opens an empty log.</summary>
    private static JournalStorage StartEmpty(string directory, FasterJournalOptions options, ILogger logger, List<string> problems, Exception failure, ref long bytesSetAside)
    {
        if (options.Strict)
        {
            throw new JournalUnavailableException(Invariant($"FASTER could not recover the journal in '{directory}' during a reopen ({failure.GetType().Name}: {failure.Message}); its files are left as they are."), failure);
        }

        var quarantine = CreateQuarantineDirectory(directory);
        long moved = 0;
        foreach (var (path, _) in SegmentFiles(directory))
        {
            moved += new FileInfo(path).Length;
            File.Move(path, Path.Combine(quarantine, Path.GetFileName(path)));
        }

        var commits = CommitDirectory(directory);
        if (Directory.Exists(commits))
        {
            Directory.Move(commits, Path.Combine(quarantine, Path.GetFileName(commits)));
        }

        bytesSetAside += moved;
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"FASTER could not recover the journal ({failure.GetType().Name}: {failure.Message}); its {moved} bytes of log and its commit files were moved to {quarantine} and the journal starts empty."));
        JournalLog.RecoveryFailed(logger, directory, quarantine, failure);

        var storage = JournalStorage.Create(directory, options);
        if (!TryRecover(storage, out var second))
        {
            storage.Dispose();
            throw new JournalUnavailableException($"The journal in '{directory}' cannot be opened even empty.", second);
        }

        return storage;
    }

    /// <summary>Finds segment files holding bytes other than zeroes at or beyond <paramref name="end"/>.</summary>
    internal static List<Surplus> FindDataBeyond(string directory, int segmentSizeBits, long end)
    {
        var endSegment = end >> segmentSizeBits;
        var endOffset = end & ((1L << segmentSizeBits) - 1);
        var surplus = new List<Surplus>();
        foreach (var (path, segment) in SegmentFiles(directory))
        {
            if (segment < endSegment)
            {
                continue;
            }

            var length = new FileInfo(path).Length;
            var from = segment == endSegment ? endOffset : 0;
            // Zeroes are harmless: FASTER reads them as the end of the log.
            if (length > from && HasNonZeroByte(path, from))
            {
                surplus.Add(new Surplus(path, from, length - from));
            }
        }

        return surplus;
    }

    /// <summary>
    /// Copies the surplus bytes into <paramref name="quarantine"/> and removes them from the live files. When the disk
    /// is full the copy is abandoned and the bytes are only removed (<paramref name="dropped"/>): they were never
    /// committed, and leaving them in place would let a later recovery scan into them.
    /// </summary>
    private static long SetAside(List<Surplus> surplus, string quarantine, int sectorSize, out bool dropped)
    {
        long total = 0;
        dropped = false;
        foreach (var item in surplus)
        {
            var name = Path.GetFileName(item.Path);
            if (item.From == 0)
            {
                // A rename needs no space.
                File.Move(item.Path, Path.Combine(quarantine, name));
            }
            else
            {
                using var live = new FileStream(item.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                var copyPath = Path.Combine(quarantine, string.Create(CultureInfo.InvariantCulture, $"{name}.from-{item.From}"));
                if (!TryCopyTail(live, item.From, copyPath))
                {
                    dropped = true;
                }

                // Cut at the end, then grow back to the sector boundary: the rest of the last sector reads as zeroes.
                live.SetLength(item.From);
                live.SetLength((item.From + sectorSize - 1) / sectorSize * sectorSize);
                live.Flush(flushToDisk: true);
            }

            total += item.Length;
        }

        return total;
    }

    /// <summary>Copies <paramref name="live"/> from <paramref name="from"/> to a new file; false (and no file) when the disk is full.</summary>
    private static bool TryCopyTail(FileStream live, long from, string copyPath)
    {
        try
        {
            using (var copy = new FileStream(copyPath, FileMode.CreateNew, FileAccess.Write))
            {
                live.Position = from;
                live.CopyTo(copy);
                copy.Flush(flushToDisk: true);
            }

            return true;
        }
        catch (IOException exception) when (IsDiskFull(exception))
        {
            File.Delete(copyPath);
            return false;
        }
    }

    /// <summary>ENOSPC or EDQUOT on Unix, ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.</summary>
    internal static bool IsDiskFull(IOException exception)
    {
        // On Unix .NET puts the raw errno in HResult; on Windows the Win32 code is its low word.
        return OperatingSystem.IsWindows()
            ? (exception.HResult & 0xFFFF) is 112 or 39
            : exception.HResult is 28 or 122;
    }

    private static bool HasNonZeroByte(string path, long from)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        stream.Position = from;
        var buffer = new byte[ProbeChunk];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The segment files of the log in <paramref name="directory"/> with their segment numbers.</summary>
    internal static IEnumerable<(string Path, long Segment)> SegmentFiles(string directory)
    {
        foreach (var path in Directory.EnumerateFiles(directory, JournalStorage.SegmentBaseName + ".*"))
        {
            var suffix = Path.GetFileName(path)[(JournalStorage.SegmentBaseName.Length + 1)..];
            if (long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var segment))
            {
                yield return (path, segment);
            }
        }
    }

    private static string CommitDirectory(string directory)
    {
        var scheme = new DefaultCheckpointNamingScheme(directory);
        return Path.Combine(scheme.BaseName(), scheme.FasterLogCommitBasePath());
    }

    private static string CreateQuarantineDirectory(string directory)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(directory, QuarantineDirectoryName, stamp);
        for (var attempt = 1; Directory.Exists(path); attempt++)
        {
            path = Path.Combine(directory, QuarantineDirectoryName, string.Create(CultureInfo.InvariantCulture, $"{stamp}-{attempt}"));
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Bytes of a segment file from <paramref name="From"/> on that lie beyond the recovered end.</summary>
    internal readonly record struct Surplus(string Path, long From, long Length);
}
