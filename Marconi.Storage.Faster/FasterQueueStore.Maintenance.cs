using Marconi.Core.Errors;
using Marconi.Storage.Faster.Checkpoints;
using Marconi.Storage.Faster.Journal;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;
using Marconi.Storage.Faster.Telemetry;
using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    private long _lastCheckpointTail;
    private long _reclaimedUntil;
    private long _lastCheckpointTicks = Environment.TickCount64;

    // A segment found too live to relocate is counted again after this many maintenance ticks, not every tick: it
    // only gets there as its messages are consumed, and counting walks every message of the store.
    private const int RelocationRecheckTicks = 10;
    private long _relocationDeclinedBoundary = -1;
    private long _relocationDeclinedTicks;

    /// <summary>
    /// Writes an index checkpoint now (recovery then replays only the log after it) and truncates the log as far as
    /// live messages and the checkpoints allow.
    /// </summary>
    public async ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _maintenanceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfStorageUnavailable();
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
            Truncate();
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    /// <summary>
    /// Reclaims log space now: drops expired messages, copies the live messages still in the oldest segments to the
    /// log's tail, checkpoints and truncates.
    /// </summary>
    public async ValueTask CompactAsync(CancellationToken cancellationToken = default)
    {
        await _maintenanceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfStorageUnavailable();
            SweepAll();
            await RelocateAsync(force: true, cancellationToken).ConfigureAwait(false);
            StoreMetrics.CountCompaction(_fullDirectory, "explicit");
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
            Truncate();
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    private void ThrowIfStorageUnavailable()
    {
        if (!_storageAvailable)
        {
            ThrowHelper.StorageUnavailable(RebuildingMessage);
        }
    }

    private async Task RunMaintenanceAsync()
    {
        var token = _stopping.Token;
        using var timer = new PeriodicTimer(_options.MaintenanceInterval);
        while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
        {
            await _maintenanceGate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                SweepAll();
                if (!_storageAvailable)
                {
                    // Nothing can be committed, and after a failed reopen there is no log: the fault supervisor owns it.
                    continue;
                }

                var relocated = await RelocateAsync(force: false, token).ConfigureAwait(false);
                if (relocated)
                {
                    StoreMetrics.CountCompaction(_fullDirectory, "maintenance");
                }

                var grown = _journal.TailAddress - _lastCheckpointTail;
                var due = Environment.TickCount64 - _lastCheckpointTicks >= _options.CheckpointInterval.TotalMilliseconds && grown > 0;
                if (relocated || due || grown >= _options.CheckpointLogBytes)
                {
                    await CheckpointCoreAsync(token).ConfigureAwait(false);
                }

                Truncate();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception) when (exception is JournalUnavailableException or IOException or UnauthorizedAccessException or Marconi.Core.Errors.QueueException)
            {
                // Maintenance retries on its next tick; writes report storage failures to their callers themselves.
                LogMaintenanceFailed(_logger, exception);
            }
            finally
            {
                _maintenanceGate.Release();
            }
        }
    }

    /// <summary>Drops expired messages, claims and subscriptions from memory. Expiry needs no log record: it follows from the times.</summary>
    private void SweepAll()
    {
        var nowMs = NowMs;
        foreach (var queue in _state.EnumerateQueues())
        {
            lock (queue)
            {
                // A deep backlog of unexpired messages costs no scan: the index knows when its first one expires.
                var messages = queue.Messages;
                if (nowMs >= messages.EarliestExpiryMs)
                {
                    long expired = 0;
                    for (var position = messages.Start; position < messages.End; position++)
                    {
                        if (messages[position].InUse && !messages[position].IsLive(nowMs))
                        {
                            messages.RemoveAt(position);
                            expired++;
                        }
                    }

                    // Recovery's first sweep drops what expired while the store was closed: counted too, once per
                    // opening (a message deleted before a sweep saw it expired is not counted).
                    StoreMetrics.CountExpired(expired, queue.Project, queue.Name);

                    // A separate pass: a removal may compact the array under the loop above and skip entries; a
                    // skipped expired one keeps the bound in the past, so the next sweep looks again.
                    messages.RecomputeEarliestExpiry();
                }

                List<long>? expiredClaims = null;
                foreach (var claim in queue.Claims.Values)
                {
                    if (!claim.IsLive(nowMs))
                    {
                        (expiredClaims ??= []).Add(claim.Sequence);
                    }
                }

                if (expiredClaims is not null)
                {
                    foreach (var sequence in expiredClaims)
                    {
                        queue.Claims.Remove(sequence);
                    }
                }

                queue.Subscriptions.Sweep(nowMs);
            }
        }
    }

    private async Task CheckpointCoreAsync(CancellationToken cancellationToken)
    {
        var replayFrom = _journal.TailAddress;
        var coveredMax = replayFrom;
        var checkpoint = _checkpoints.Begin();
        try
        {
            foreach (var queue in _state.Queues)
            {
                lock (queue)
                {
                    if (queue.Deleted)
                    {
                        continue;
                    }

                    // Every record of this queue below the tail read under its lock is in the file; every later one is not.
                    var covered = _journal.TailAddress;
                    checkpoint.WriteQueue(queue, covered);
                    replayFrom = Math.Min(replayFrom, covered);
                    coveredMax = Math.Max(coveredMax, covered);
                }
            }

            // A checkpoint may only hold what the log already holds durably, or a crash could resurrect unacknowledged
            // writes: the file becomes the checkpoint (synced, renamed) only after this commit.
            await _journal.CommitAllAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }

        var queues = checkpoint.QueueCount;
        _checkpoints.Complete(checkpoint, _state.LastSequence, _state.LastQueueId, replayFrom);
        _lastCheckpointTail = coveredMax;
        _lastCheckpointTicks = Environment.TickCount64;
        LogCheckpoint(_logger, queues, replayFrom);
    }

    /// <summary>Truncates the log below everything still needed: live bodies, pinned reads and both checkpoints' replay points.</summary>
    private void Truncate()
    {
        var target = Math.Min(_checkpoints.SafeTruncationAddress, LowestLiveAddress());
        target = Math.Min(target, _pins.Lowest());
        if (target > _journal.BeginAddress)
        {
            _journal.TruncateUntil(target);
        }

        // Measured against the last begin seen rather than around the call: the log may move its begin lazily.
        var begin = _journal.BeginAddress;
        if (begin > _reclaimedUntil)
        {
            StoreMetrics.CountReclaimed(_fullDirectory, begin - _reclaimedUntil);
            _reclaimedUntil = begin;
        }
    }

    /// <summary>The lowest log address a live body lives at, or <see cref="long.MinValue"/> when the walk cannot tell.</summary>
    /// <remarks>
    /// Queues are locked one at a time, so a message dead-lettered meanwhile (its body stays at its old address) could
    /// be seen in neither queue: visited in the dead-letter queue before it arrived and in its source after it left.
    /// Such a walk is thrown away and this tick truncates nothing.
    /// </remarks>
    private long LowestLiveAddress()
    {
        var movesBefore = _state.CrossQueueMoves;
        var lowest = long.MaxValue;
        foreach (var queue in _state.EnumerateQueues())
        {
            lock (queue)
            {
                lowest = Math.Min(lowest, queue.Messages.LowestAddress());
            }
        }

        return _state.CrossQueueMoves == movesBefore ? lowest : long.MinValue;
    }

    /// <summary>
    /// Copies live messages out of the oldest log segment when the log spans more than two segments and that segment is
    /// mostly garbage (or always, when <paramref name="force"/>), so truncation can drop it. True when anything moved.
    /// </summary>
    private async ValueTask<bool> RelocateAsync(bool force, CancellationToken cancellationToken)
    {
        var segmentSize = 1L << _options.SegmentSizeBits;
        var begin = _journal.BeginAddress;
        var tail = _journal.TailAddress;
        if (!force && tail - begin <= 2 * segmentSize)
        {
            return false;
        }

        // Everything in the segment holding the begin address; when forced, everything older than the last segment.
        var boundary = force ? Math.Max(begin, ((tail >> _options.SegmentSizeBits) << _options.SegmentSizeBits)) : ((begin >> _options.SegmentSizeBits) + 1) << _options.SegmentSizeBits;
        var nowMs = NowMs;
        if (!force)
        {
            // A deep backlog keeps the oldest segment mostly live for a long time: look again only now and then,
            // and count before copying anything, so declining costs no allocation.
            if (boundary == _relocationDeclinedBoundary && Environment.TickCount64 - _relocationDeclinedTicks < RelocationRecheckTicks * _options.MaintenanceInterval.TotalMilliseconds)
            {
                return false;
            }

            if (LiveBytesBelow(boundary, nowMs) > segmentSize / 2)
            {
                _relocationDeclinedBoundary = boundary;
                _relocationDeclinedTicks = Environment.TickCount64;
                return false;
            }
        }

        var candidates = new List<(QueueState Queue, List<Selected> Items)>();
        long liveBytes = 0;
        foreach (var queue in _state.EnumerateQueues())
        {
            List<Selected>? items = null;
            lock (queue)
            {
                var messages = queue.Messages;
                for (var position = messages.Start; position < messages.End; position++)
                {
                    ref var entry = ref messages[position];
                    if (entry.InUse && entry.IsLive(nowMs) && entry.Address < boundary)
                    {
                        (items ??= []).Add(Select(queue, entry, nowMs));
                        liveBytes += entry.StoredLength;
                    }
                }
            }

            if (items is not null)
            {
                candidates.Add((queue, items));
            }
        }

        if (candidates.Count == 0 || (!force && liveBytes > segmentSize / 2))
        {
            return false;
        }

        foreach (var (queue, items) in candidates)
        {
            await RelocateQueueAsync(queue, items, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Stored bytes of the live messages whose records lie below <paramref name="boundary"/>.</summary>
    private long LiveBytesBelow(long boundary, long nowMs)
    {
        long liveBytes = 0;
        foreach (var queue in _state.EnumerateQueues())
        {
            lock (queue)
            {
                var messages = queue.Messages;
                for (var position = messages.Start; position < messages.End; position++)
                {
                    ref var entry = ref messages[position];
                    if (entry.InUse && entry.IsLive(nowMs) && entry.Address < boundary)
                    {
                        liveBytes += entry.StoredLength;
                    }
                }
            }
        }

        return liveBytes;
    }

    private async ValueTask RelocateQueueAsync(QueueState queue, List<Selected> items, CancellationToken cancellationToken)
    {
        // Bodies are read outside the lock, then written only for entries that are still where they were.
        var bodies = new List<(long Sequence, long Address, int Raw, byte[] Stored)>(items.Count);
        JournalEntry? record = null;
        var recordAddress = -1L;
        try
        {
            foreach (var item in items)
            {
                var entry = item.Entry;
                if (entry.Address != recordAddress)
                {
                    record?.Dispose();
                    record = null;
                    record = await ReadRecordAsync(entry.Address, cancellationToken).ConfigureAwait(false);
                    recordAddress = entry.Address;
                }

                if (TryStoredBody(record, entry, out var stored))
                {
                    bodies.Add((entry.Sequence, entry.Address, entry.RawLength, stored.ToArray()));
                }
            }
        }
        finally
        {
            record?.Dispose();
        }

        var start = 0;
        while (start < bodies.Count)
        {
            long address;
            using (var buffer = new RecordBuffer())
            {
                lock (queue)
                {
                    if (queue.Deleted)
                    {
                        return;
                    }

                    buffer.WriteByte((byte)RecordType.MessagesRelocated);
                    buffer.WriteInt64(queue.Id);
                    var countOffset = buffer.Length;
                    buffer.WriteInt32(0);
                    var count = 0;
                    var first = start;
                    for (; start < bodies.Count; start++)
                    {
                        var (sequence, oldAddress, raw, stored) = bodies[start];
                        if (buffer.Length + 16 + stored.Length > _journal.MaxPayloadSize)
                        {
                            break;
                        }

                        var position = queue.Messages.Find(sequence);
                        if (position < 0 || queue.Messages[position].Address != oldAddress)
                        {
                            continue;
                        }

                        buffer.WriteInt64(sequence);
                        buffer.WriteInt32(raw);
                        buffer.WriteInt32(stored.Length);
                        stored.CopyTo(buffer.GetSpan(stored.Length));
                        count++;
                    }

                    if (count == 0)
                    {
                        // Nothing left to move in this batch; never spin on a body that cannot fit.
                        start = Math.Max(start, first + 1);
                        continue;
                    }

                    buffer.PatchInt32(countOffset, count);
                    address = AppendAndApply(buffer.WrittenSpan);
                }
            }

            await CommitAsync(address).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "Checkpoint written: {Queues} queues, replay from {ReplayFrom}")]
    private static partial void LogCheckpoint(ILogger logger, int queues, long replayFrom);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Store maintenance failed; retrying on the next tick")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
