using Marconi.Core.Errors;
using Marconi.Storage.Faster.Journal;
using Marconi.Storage.Faster.Records;
using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster;

/// <summary>
/// Storage faults: a failed write, fsync, short write or full disk puts FASTER's log into a permanent error state.
/// The store then refuses writes, keeps answering reads, and rebuilds itself from disk until the log commits again.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why a rebuild.</b> The index applies a record when it is appended, before its commit. After a failed commit it
/// may hold changes that were answered as unavailable and are not on disk. Instead of undoing them one by one, the store
/// throws the index away with the failed log and opens both again the way a restart does: FASTER recovers the log to
/// its last commit, the checkpoint and the replay rebuild the index from what is durable. Nothing acknowledged is lost,
/// because an acknowledgement waited for that commit.
/// </para>
/// <para>
/// <b>Unknown outcomes.</b> A change answered unavailable may still show up after the rebuild: a write whose bytes
/// reached the disk before the device reported the error (a failed fsync) is an intact entry, and recovery keeps intact
/// entries. Like a Zaqar request that timed out, a 503 means "may or may not have happened"; it never means "happened".
/// </para>
/// <para>
/// <b>Sequence.</b> On failure the supervisor closes <see cref="StoreGate"/> (writers are refused at once, readers wait),
/// disposes the failed journal, reopens it strictly (no fallback that drops committed entries) and swaps the new
/// journal and index in, then probes with a record that changes nothing. If the probe commits, writes are accepted
/// again; if not, the rebuilt store keeps serving reads of what is durable and the attempt is repeated with a backoff
/// up to <see cref="FasterQueueStoreOptions.StorageRetryInterval"/>. If the journal cannot even be reopened, every
/// operation answers unavailable until an attempt succeeds.
/// </para>
/// </remarks>
public sealed partial class FasterQueueStore
{
    private const string RebuildingMessage = "Storage is unavailable: the message store is recovering from a storage failure and cannot make changes durable yet.";
    private const string DownMessage = "Storage is unavailable: after a storage failure the message store could not reopen its log; it keeps retrying.";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(25);
    private static readonly byte[] ProbeRecord = [(byte)RecordType.StorageProbe];

    private volatile bool _storageAvailable = true;
    private long _storageRecoveries;

    /// <summary>
    /// False from a storage failure until the store has rebuilt itself and committed to the log again; writes are
    /// refused meanwhile (<see cref="QueueErrorKind.StorageUnavailable"/>).
    /// </summary>
    public bool IsStorageAvailable => _storageAvailable;

    /// <summary>How many times the store has recovered from a storage failure since it was opened.</summary>
    public long StorageRecoveries => Interlocked.Read(ref _storageRecoveries);

    /// <summary>Admits a write, or throws <see cref="QueueErrorKind.StorageUnavailable"/> while storage is unavailable.</summary>
    private StoreGate.Lease EnterWrite()
    {
        if (!_storageAvailable || _gate.TryEnter(out var lease) != StoreGate.Refusal.None)
        {
            ThrowHelper.StorageUnavailable(RebuildingMessage + DiskFullNote());
            return default;
        }

        return lease;
    }

    /// <summary>Admits a read, waiting out a rebuild in progress; throws only when the log could not be reopened.</summary>
    private async ValueTask<StoreGate.Lease> EnterReadAsync(CancellationToken cancellationToken)
    {
        var (lease, refusal) = await _gate.EnterReaderAsync(cancellationToken).ConfigureAwait(false);
        if (refusal != StoreGate.Refusal.None)
        {
            ThrowHelper.StorageUnavailable(DownMessage);
        }

        return lease;
    }

    /// <summary>
    /// Called where an operation meets the failure: shuts the gate at once, so a read made after the failed write was
    /// answered waits for the rebuild instead of seeing that write in the index (and failing on its missing commit).
    /// </summary>
    private void NoteStorageFailed()
    {
        // Only the first to notice shuts; while already unavailable the gate belongs to the supervisor.
        if (_storageAvailable)
        {
            _storageAvailable = false;
            _gate.Shut();
        }
    }

    /// <summary>Waits for the journal to fail, then rebuilds until the store can commit again; repeats until disposal.</summary>
    private async Task SuperviseStorageAsync()
    {
        var token = _stopping.Token;
        var longest = _options.StorageRetryInterval > FirstRetryDelay ? _options.StorageRetryInterval : FirstRetryDelay;
        while (true)
        {
            // Only this loop replaces the journal, so reading the field here races with nothing.
            await _journal.Failed.WaitAsync(token).ConfigureAwait(false);
            NoteStorageFailed();
            LogStorageFailed(_logger, DiskFullNote());

            var attempts = 1;
            var delay = FirstRetryDelay;
            while (!await TryRebuildAsync(token).ConfigureAwait(false))
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
                delay = delay * 2 < longest ? delay * 2 : longest;
                attempts++;
            }

            Interlocked.Increment(ref _storageRecoveries);
            _storageAvailable = true;
            LogStorageRecovered(_logger, attempts);
        }
    }

    /// <summary>One attempt: swap in a journal and index reopened from disk, then probe whether the log commits.</summary>
    private async Task<bool> TryRebuildAsync(CancellationToken cancellationToken)
    {
        await _maintenanceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _gate.CloseAsync().ConfigureAwait(false);
            try
            {
                await _journal.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The failed log is discarded either way; its files are what the reopen reads.
                LogDisposeFailed(_logger, exception);
            }

            StoreParts parts;
            try
            {
                parts = LoadParts(_directory, _options, _logger, _journalLogger, _storeTag, strict: true);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The fault may also stop the reopen (a full disk cannot take the set-aside copy): retry later.
                LogReopenFailed(_logger, exception);
                _gate.MarkDown();
                return false;
            }

            _journal = parts.Journal;
            _state = parts.State;
            _checkpoints = parts.Checkpoints;
            _lastCheckpointTail = parts.CheckpointedTail;
            SweepAll();
            LogRebuilt(_logger, parts.State.QueueCount, parts.Recovery.RecordsReplayed, parts.Recovery.RecordsDropped);
            _gate.Open();
        }
        finally
        {
            _maintenanceGate.Release();
        }

        return await ProbeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends a record that changes nothing and waits for its commit: true when the log is durable again.</summary>
    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var address = _journal.Append(ProbeRecord);
            await _journal.WaitForCommitAsync(address, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (JournalUnavailableException exception)
        {
            LogProbeFailed(_logger, exception.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Error, Message = "Storage failed: writes are refused and the store rebuilds itself from disk until its log commits again.{DiskFull}")]
    private static partial void LogStorageFailed(ILogger logger, string diskFull);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Store rebuilt from disk after a storage failure: {Queues} queues, {Replayed} records replayed, {Dropped} dropped")]
    private static partial void LogRebuilt(ILogger logger, int queues, long replayed, long dropped);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Storage still failing; the log did not commit: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 123, Level = LogLevel.Error, Message = "The log could not be reopened after a storage failure; every request is refused until a retry succeeds")]
    private static partial void LogReopenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 125, Level = LogLevel.Warning, Message = "The failed log did not close cleanly; reopening it anyway")]
    private static partial void LogDisposeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 124, Level = LogLevel.Information, Message = "Storage recovered after {Attempts} attempts; writes are accepted again")]
    private static partial void LogStorageRecovered(ILogger logger, int attempts);
}
