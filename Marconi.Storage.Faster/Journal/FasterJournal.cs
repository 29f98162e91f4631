using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// The store's write-ahead log: one FASTER <see cref="FasterLog"/> in a directory. Each payload is framed with our
/// checksummed header (<see cref="JournalFrame"/>) and stored as one FASTER entry; one committer thread commits in
/// groups; reads and replay hand out only payloads whose CRC verifies.
/// </summary>
/// <remarks>
/// <para>
/// <b>Settings</b> (measured in the FASTER notes): fast-commit mode, per-entry checksums, a
/// <see cref="DeviceLogCommitCheckpointManager"/> that writes its metadata file every 1000 commits, the local file
/// device without preallocation, one background committer, waiters released as soon as the commit covering their
/// entry is durable. FASTER's thread-pool based device writes block, so <see cref="Open"/> raises the pool minimum.
/// </para>
/// <para>
/// <b>Durability.</b> <see cref="Append(ReadOnlySpan{byte})"/> only puts the entry in memory. It becomes durable at
/// the next commit: at once when somebody calls <see cref="WaitForCommitAsync"/>, otherwise within
/// <see cref="FasterJournalOptions.RelaxedCommitInterval"/>. Recovery brings back exactly what was committed.
/// A storage failure puts FASTER in a permanent error state; appends and waits then throw
/// <see cref="JournalUnavailableException"/> until the journal is reopened. They never hang on it.
/// </para>
/// <para>
/// <b>Reads.</b> <see cref="ReadAsync"/> serves an entry from the <see cref="JournalTailCache"/> (the newest entries,
/// in memory), else from the segment files with <see cref="JournalSegmentReader"/> (local file device only), else
/// through FASTER's own read, which also reports damage; the first two only ever decline, never fail.
/// </para>
/// <para>
/// <b>Damage.</b> <see cref="Open"/> never throws for damaged files. FASTER's own recovery (fast-commit mode) stops at
/// the first unreadable entry after its last commit-metadata file and would drop everything behind it; the journal
/// reads past that point itself and keeps every intact entry up to the last intact commit record (and intact entries
/// after it), moving only unusable bytes to a <c>quarantine</c> subdirectory so no later recovery can revive them
/// (see <see cref="JournalRecovery"/> and <see cref="JournalTailSalvage"/>). If FASTER's recovery throws, which no
/// damage tried produced, all files are moved to quarantine and the journal starts empty, reported as an error: the
/// data is kept for manual salvage rather than appended to. <see cref="Replay"/> skips damage it can get past and
/// ends the scan at damage nothing valid follows (see <see cref="JournalScanner"/>); all of this is listed in the
/// <see cref="ReplayReport"/> and logged as warnings.
/// </para>
/// <para>
/// <b>Copies.</b> FASTER copies an entry into its page in one piece, so our header must precede the payload in one
/// buffer: FASTER's serialize-in-place entry (<see cref="ILogEnqueueEntry"/>) cannot take spans (its generic method
/// does not allow ref structs) and its <see cref="SpanByte"/> overloads need pinned pointers and unsafe code, which the
/// project does not allow. An append therefore frames into a pooled buffer (one copy), which FASTER then copies in.
/// </para>
/// </remarks>
internal sealed class FasterJournal : IDisposable, IAsyncDisposable
{
    /// <summary>A typical entry size: reads fetch this much first, so most need one I/O.</summary>
    private const int ReadEstimate = 4096 - JournalFrame.FasterEntryHeaderSize;

    private readonly int _pageSizeBits;
    private readonly JournalStorage _storage;
    private readonly FasterLog _log;
    private readonly JournalCommitter _committer;
    private readonly JournalTailCache? _tailCache;
    private readonly JournalSegmentReader? _segmentReader;
    private long _readsFromCache;
    private long _readsFromFiles;
    private long _readsThroughFaster;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _openProblems;
    private readonly long _bytesSetAside;
    private int _activeOperations;
    private int _closing;
    private int _disposed;

    private FasterJournal(string directory, FasterJournalOptions options, JournalStorage storage, ILogger logger, IReadOnlyList<string> openProblems, long bytesSetAside)
    {
        _pageSizeBits = options.PageSizeBits;
        _storage = storage;
        _log = storage.Log;
        _logger = logger;
        _openProblems = openProblems;
        _bytesSetAside = bytesSetAside;
        MaxPayloadSize = JournalFrame.MaxPayloadSize(options.PageSizeBits);
        _tailCache = JournalTailCache.Create(_log, options);

        // Direct reads know the local file device's segment naming only; a custom device is read through FASTER.
        _segmentReader = options.DeviceFactory is null
            ? new JournalSegmentReader(Path.Combine(directory, JournalStorage.SegmentBaseName), options.SegmentSizeBits)
            : null;
        _committer = new JournalCommitter(_log, options.RelaxedCommitInterval, logger);
        _committer.Start();
    }

    /// <summary>The largest payload an entry can hold: a page minus FASTER's and our headers.</summary>
    public int MaxPayloadSize { get; }

    /// <summary>The first address still in the log; everything before it was truncated.</summary>
    public long BeginAddress => _log.BeginAddress;

    /// <summary>Where the next entry will be appended (FASTER's commit records also take space).</summary>
    public long TailAddress
    {
        get
        {
            EnterOperation();
            try
            {
                return _log.TailAddress;
            }
            finally
            {
                ExitOperation();
            }
        }
    }

    /// <summary>The committed end (exclusive): every entry that starts below it is durable.</summary>
    public long CommittedUntilAddress => _committer.CommittedUntilAddress;

    /// <summary>How <see cref="ReadAsync"/> calls were served so far: from the tail cache, from the segment files, through FASTER.</summary>
    public (long FromCache, long FromFiles, long ThroughFaster) ReadCounts =>
        (Volatile.Read(ref _readsFromCache), Volatile.Read(ref _readsFromFiles), Volatile.Read(ref _readsThroughFaster));

    /// <summary>The durations of this journal's most recent commits.</summary>
    public Telemetry.CommitLatencyWindow CommitLatency => _committer.Latency;

    /// <summary>True once storage has failed: nothing more can be committed until the journal is reopened.</summary>
    public bool HasFailed => _committer.HasFailed;

    /// <summary>Completes (successfully) when storage fails; never completes for a journal that stays healthy.</summary>
    public Task Failed => _committer.Failed;

    /// <summary>
    /// Opens (or creates) the journal in <paramref name="directory"/>, recovering everything committed, and starts
    /// its committer. Damaged files do not make it throw; what had to be set aside is reported by the first
    /// <see cref="Replay"/> and logged.
    /// </summary>
    /// <param name="directory">The journal's own directory; created if missing.</param>
    /// <param name="options">Sizes and commit timing.</param>
    /// <param name="logger">Receives recovery warnings, storage errors and diagnostics.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="JournalUnavailableException">The directory cannot hold a log at all.</exception>
    public static FasterJournal Open(string directory, FasterJournalOptions options, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();

        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        ThreadPoolMinimum.Ensure(logger);

        var problems = new List<string>();
        var storage = JournalRecovery.Open(directory, options, logger, problems, out var bytesSetAside);
        try
        {
            var journal = new FasterJournal(directory, options, storage, logger, problems, bytesSetAside);
            JournalLog.Opened(logger, directory, journal.BeginAddress, journal.CommittedUntilAddress);
            return journal;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>Appends one entry holding <paramref name="payload"/>; thread-safe. Not durable until committed.</summary>
    /// <param name="payload">The bytes to store; at most <see cref="MaxPayloadSize"/>.</param>
    /// <returns>The entry's logical address, for <see cref="WaitForCommitAsync"/> and <see cref="ReadAsync"/>.</returns>
    /// <exception cref="ArgumentException">The payload does not fit in one page.</exception>
    /// <exception cref="JournalUnavailableException">Storage has failed.</exception>
    public long Append(ReadOnlySpan<byte> payload) => AppendCore(payload, ReadOnlySpan<byte>.Empty, nameof(payload));

    /// <summary>Appends one entry whose payload is <paramref name="first"/> followed by <paramref name="second"/>.</summary>
    /// <param name="first">Start of the payload.</param>
    /// <param name="second">Rest of the payload.</param>
    /// <returns>The entry's logical address.</returns>
    /// <exception cref="ArgumentException">The payload does not fit in one page.</exception>
    /// <exception cref="JournalUnavailableException">Storage has failed.</exception>
    public long Append(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => AppendCore(first, second, nameof(first));

    /// <summary>
    /// Completes when the entry at <paramref name="address"/> is durable; asks the committer for a commit now.
    /// </summary>
    /// <param name="address">An address returned by <see cref="Append(ReadOnlySpan{byte})"/>.</param>
    /// <param name="cancellationToken">Stops waiting (the commit still happens).</param>
    /// <exception cref="ArgumentOutOfRangeException">Nothing was appended at or after that address.</exception>
    /// <exception cref="JournalUnavailableException">Storage failed before the entry was committed.</exception>
    public ValueTask WaitForCommitAsync(long address, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(address);
        if (CommittedUntilAddress > address)
        {
            return ValueTask.CompletedTask;
        }

        if (TryEnterOperation())
        {
            try
            {
                // No commit would ever reach an address nothing was appended at: refuse instead of waiting forever.
                if (address >= _log.TailAddress)
                {
                    throw new ArgumentOutOfRangeException(nameof(address), address, "No entry was appended at this address.");
                }
            }
            finally
            {
                ExitOperation();
            }
        }

        return _committer.WaitForCommitAsync(address + 1, cancellationToken);
    }

    /// <summary>
    /// Commits everything appended (and any truncation) before this call and waits until it is durable; used before
    /// writing index checkpoints and at shutdown.
    /// </summary>
    /// <exception cref="JournalUnavailableException">Storage has failed.</exception>
    public Task CommitAllAsync(CancellationToken cancellationToken = default) => _committer.CommitAllAsync(cancellationToken);

    /// <summary>Reads the committed entry at <paramref name="address"/>, verifying FASTER's checksum, our header and CRC.</summary>
    /// <param name="address">The entry's address.</param>
    /// <param name="cancellationToken">Cancels the wait for the read.</param>
    /// <returns>The payload in a pooled buffer; dispose it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The address is truncated or not committed yet.</exception>
    /// <exception cref="JournalCorruptException">The entry is damaged or cannot be read.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<JournalEntry> ReadAsync(long address, CancellationToken cancellationToken)
    {
        if (address < BeginAddress || address >= CommittedUntilAddress)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, string.Create(CultureInfo.InvariantCulture, $"Not a committed address of the journal (begin {BeginAddress}, committed until {CommittedUntilAddress})."));
        }

        EnterOperation();
        try
        {
            if (_tailCache is not null && _tailCache.TryRead(address, MaxPayloadSize, out var cached))
            {
                Interlocked.Increment(ref _readsFromCache);
                return cached;
            }

            if (_segmentReader is not null && _segmentReader.TryRead(address, MaxPayloadSize, out var direct))
            {
                Interlocked.Increment(ref _readsFromFiles);
                return direct;
            }

            Interlocked.Increment(ref _readsThroughFaster);

            IMemoryOwner<byte>? owner;
            int length;
            try
            {
                (owner, length) = await _log.ReadAsync(address, MemoryPool<byte>.Shared, ReadEstimate, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
            {
                // FASTER throws on a checksum failure; a read error or disposal mid-read ends up here too.
                throw new JournalCorruptException(string.Create(CultureInfo.InvariantCulture, $"The journal entry at {address} is damaged: {exception.Message}"), exception);
            }

            if (owner is null)
            {
                // FASTER returns nothing when the read failed or the length field is impossible.
                throw new JournalCorruptException(string.Create(CultureInfo.InvariantCulture, $"The journal entry at {address} could not be read (an I/O error or a damaged length field)."));
            }

            using (owner)
            {
                var frame = owner.Memory.Span[..length];
                if (!JournalFrame.TryVerify(frame, out var payloadLength, out var problem))
                {
                    throw new JournalCorruptException(string.Create(CultureInfo.InvariantCulture, $"The journal entry at {address} is damaged: {problem}."));
                }

                // Into a plain pooled array like the other two paths (this one, the rarest, pays a copy for it).
                var array = ArrayPool<byte>.Shared.Rent(length);
                frame.CopyTo(array);
                return new JournalEntry(address, array, JournalFrame.HeaderSize, payloadLength);
            }
        }
        finally
        {
            ExitOperation();
        }
    }

    /// <summary>
    /// Scans the committed entries from <paramref name="fromAddress"/> (or the begin address, if later) to the committed
    /// end as of the call, yielding each entry that verifies. Damage is skipped or ends the scan, never thrown and
    /// never yielded; <paramref name="report"/> says what happened.
    /// </summary>
    /// <param name="fromAddress">An entry or page boundary, such as a checkpoint's replay address; 0 for the start.</param>
    /// <param name="report">Receives counts, problems (also logged as warnings) and where the scan stopped.</param>
    /// <returns>The entries, each valid only until the enumeration moves on.</returns>
    public IEnumerable<JournalRecord> Replay(long fromAddress, ReplayReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closing) != 0, this);
        return ReplayCore(fromAddress, report);
    }

    /// <summary>
    /// Drops the log before <paramref name="address"/>, rounded down to the start of its page; persisted at the next
    /// commit, after which whole segment files below it are deleted (asynchronously, by FASTER).
    /// </summary>
    /// <remarks>
    /// FASTER's exact truncation needs a real entry start, and the journal cannot tell whether an arbitrary address is
    /// one; a begin address inside an entry would make every later scan start in garbage. A page start always is a
    /// boundary (entries never span pages), so the journal keeps at most one page more than asked. Addresses past the
    /// committed end are clamped to it.
    /// </remarks>
    /// <param name="address">Everything before this address is no longer needed.</param>
    public void TruncateUntil(long address)
    {
        EnterOperation();
        try
        {
            var until = Math.Min(address, CommittedUntilAddress);
            _segmentReader?.CloseBelow(until);
            _log.TruncateUntilPageStart(until);
            _committer.NotifyChanged();
        }
        finally
        {
            ExitOperation();
        }
    }

    /// <summary>Stops the committer after a final commit of everything appended, then closes the log and device.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        BeginClose();
        _committer.Stop();
        CloseStorage();
    }

    /// <summary>Like <see cref="Dispose"/>, without blocking on the final commit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        BeginClose();
        await _committer.StopAsync().ConfigureAwait(false);
        CloseStorage();
    }

    private long AppendCore(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, string parameterName)
    {
        var payloadLength = (long)first.Length + second.Length;
        if (payloadLength > MaxPayloadSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The payload of {payloadLength} bytes is larger than the journal's maximum of {MaxPayloadSize} bytes: an entry must fit in one {1 << _pageSizeBits}-byte log page (raise the page size)."),
                parameterName);
        }

        EnterOperation();
        try
        {
            _committer.ThrowIfFailed();
            var frameLength = JournalFrame.HeaderSize + (int)payloadLength;
            var buffer = ArrayPool<byte>.Shared.Rent(frameLength);
            try
            {
                var frame = buffer.AsSpan(0, frameLength);
                JournalFrame.Write(frame, first, second);
                long address;
                try
                {
                    address = _log.Enqueue(frame);
                }
                catch (FasterException exception)
                {
                    // A full log memory waiting on a failed flush throws FASTER's canned commit failure.
                    throw _committer.Fail(exception);
                }

                _tailCache?.Add(address, frame);
                _committer.NotifyChanged();
                return address;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            ExitOperation();
        }
    }

    private IEnumerable<JournalRecord> ReplayCore(long fromAddress, ReplayReport report)
    {
        foreach (var problem in _openProblems)
        {
            report.AddProblem(problem);
        }

        report.CountDropped(0, _bytesSetAside);

        JournalScanner scanner;
        EnterOperation();
        try
        {
            var end = CommittedUntilAddress;
            var start = Math.Max(fromAddress, _log.BeginAddress);
            report.StoppedAtAddress = end;
            scanner = new JournalScanner(_log, Math.Min(start, end), end, _pageSizeBits, report, problem => JournalLog.Problem(_logger, problem));
        }
        finally
        {
            ExitOperation();
        }

        try
        {
            while (true)
            {
                bool more;
                EnterOperation();
                try
                {
                    more = scanner.MoveNext();
                }
                finally
                {
                    ExitOperation();
                }

                if (!more)
                {
                    break;
                }

                yield return scanner.Current;
            }
        }
        finally
        {
            if (!scanner.Finished)
            {
                // The caller stopped early: report where, not the committed end.
                report.StoppedAtAddress = scanner.Position;
            }

            // Safe even after the journal closed: FASTER keeps the log alive until its last iterator is disposed.
            scanner.Dispose();
            report.Complete();
        }
    }

    private void EnterOperation() => ObjectDisposedException.ThrowIf(!TryEnterOperation(), this);

    /// <summary>Registers a call that uses FASTER, unless the journal is closing; Dispose waits for registered calls.</summary>
    private bool TryEnterOperation()
    {
        Interlocked.Increment(ref _activeOperations);
        if (Volatile.Read(ref _closing) == 0)
        {
            return true;
        }

        Interlocked.Decrement(ref _activeOperations);
        return false;
    }

    private void ExitOperation() => Interlocked.Decrement(ref _activeOperations);

    private void BeginClose()
    {
        // Exchange is a full fence, so every call either sees the flag or is counted before the wait below.
        Interlocked.Exchange(ref _closing, 1);
        SpinWait.SpinUntil(() => Volatile.Read(ref _activeOperations) == 0);
    }

    private void CloseStorage()
    {
        if (_committer.HasFailed)
        {
            JournalLog.DisposeWithoutCommit(_logger);
        }

        _committer.Dispose();
        _segmentReader?.Dispose();
        _storage.Dispose();
    }
}
