using System.Runtime.CompilerServices;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Storage.Faster.Journal;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Not async itself: the append runs synchronously and only the commit wait is an async frame, so a post that waits
    /// for its commit holds one small state machine rather than a large one per layer.
    /// </remarks>
    public ValueTask<IReadOnlyList<string>> PostMessagesAsync(string project, string queue, Guid clientId, IReadOnlyList<MessageDraft> messages, WriteDurability durability, CancellationToken cancellationToken)
    {
        var lease = EnterWrite();
        try
        {
            ArgumentNullException.ThrowIfNull(messages);
            var sequences = new long[messages.Count];
            var address = AppendPosted(project, queue, clientId, messages, sequences);
            return FinishPostAsync(lease, address, durability, sequences);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Appends one MessagesPosted record and applies it; fills <paramref name="sequences"/> with the new messages' sequences.</summary>
    private long AppendPosted(string project, string queue, Guid clientId, IReadOnlyList<MessageDraft> messages, long[] sequences)
    {
        var count = messages.Count;
        var sequenceOffsets = count <= 64 ? stackalloc int[count] : new int[count];

        // The record is built (and bodies compressed) before taking the queue's lock; only the ids and times are
        // patched in under it, so the lock is held for the append alone.
        var estimate = 40;
        for (var i = 0; i < count; i++)
        {
            estimate += MessageRecord.FixedBytes + messages[i].Body.Length;
        }

        using var record = new RecordBuffer(estimate);
        record.WriteByte((byte)RecordType.MessagesPosted);
        record.WriteInt64(0);
        record.WriteInt64(0);
        record.WriteGuid(clientId);
        record.WriteInt32(count);
        for (var i = 0; i < count; i++)
        {
            var message = messages[i];
            sequenceOffsets[i] = record.Length;
            record.WriteInt64(0);
            record.WriteInt32(message.Ttl);
            record.WriteInt32(message.Delay);
            var lengthsOffset = record.Length;
            record.WriteInt64(0);
            var (raw, stored) = BodyCodec.Write(record, message.Body.Span);
            record.PatchInt32(lengthsOffset, raw);
            record.PatchInt32(lengthsOffset + 4, stored);
        }

        EnsureFits(record);
        while (true)
        {
            var (state, _) = GetOrCreateQueue(project, queue, QueueMetadata.Empty);
            lock (state)
            {
                if (state.Deleted)
                {
                    continue;
                }

                record.PatchInt64(1, state.Id);
                record.PatchInt64(9, NowMs);
                for (var i = 0; i < count; i++)
                {
                    sequences[i] = _state.NextSequence();
                    record.PatchInt64(sequenceOffsets[i], sequences[i]);
                }

                return AppendAndApply(record.WrittenSpan);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IReadOnlyList<string>> FinishPostAsync(StoreGate.Lease lease, long address, WriteDurability durability, long[] sequences)
    {
        // The commit wait is inlined rather than CommitAsync's frame awaited, so a waiting post holds one state machine.
        using (lease)
        {
            if (durability == WriteDurability.Durable)
            {
                try
                {
                    await _journal.WaitForCommitAsync(address, CancellationToken.None).ConfigureAwait(false);
                }
                catch (JournalUnavailableException exception)
                {
                    ThrowCommitFailed(exception);
                }
            }
        }

        var ids = new string[sequences.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = FormatId(sequences[i]);
        }

        return ids;
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MessagePage> ListMessagesAsync(string project, string queue, MessageQuery query, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        long markerSequence = 0;
        if (query.Marker is not null && !TryParseId(query.Marker, out markerSequence))
        {
            ThrowHelper.InvalidArgument("marker", "The marker must be a message id from a previous page.");
        }

        var state = _state.Find(project, queue);
        if (state is null)
        {
            return new MessagePage([], query.Marker);
        }

        // A page is read again when damaged bodies were found (and dropped), so damage never shortens a page.
        IReadOnlyList<QueuedMessage> page;
        var attempts = 0;
        bool damaged;
        do
        {
            var nowMs = NowMs;
            var selected = SelectionLists.Rent(query.Limit);
            long pin;
            lock (state)
            {
                var messages = state.Messages;
                var ownClient = query.Echo ? -1 : state.FindClient(query.ClientId);
                var start = markerSequence > 0 ? messages.UpperBound(markerSequence) : messages.Start;
                for (var position = start; position < messages.End && selected.Count < query.Limit; position++)
                {
                    ref var entry = ref messages[position];
                    if (!entry.IsLive(nowMs)
                        || (ownClient >= 0 && entry.ClientIndex == ownClient)
                        || (!query.IncludeClaimed && entry.IsClaimed(nowMs))
                        || (!query.IncludeDelayed && entry.IsDelayed(nowMs)))
                    {
                        continue;
                    }

                    selected.Add(Select(state, entry, nowMs));
                }

                pin = Pin(selected);
            }

            page = await ReadMessagesAsync(state, selected, pin, nowMs, cancellationToken).ConfigureAwait(false);
            damaged = page.Count < selected.Count;
            SelectionLists.Return(selected);
        }
        while (damaged && ++attempts < 8);

        return new MessagePage(page, page.Count > 0 ? page[^1].Id : query.Marker);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> GetMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        ArgumentNullException.ThrowIfNull(ids);
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return [];
        }

        var nowMs = NowMs;
        var selected = new List<Selected>(ids.Count);
        long pin;
        lock (state)
        {
            foreach (var id in ids)
            {
                if (!TryParseId(id, out var sequence))
                {
                    continue;
                }

                var position = state.Messages.Find(sequence);
                if (position >= 0 && state.Messages[position].IsLive(nowMs))
                {
                    selected.Add(Select(state, state.Messages[position], nowMs));
                }
            }

            pin = Pin(selected);
        }

        return await ReadMessagesAsync(state, selected, pin, nowMs, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteMessageAsync(string project, string queue, string messageId, string? claimId, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        long claimSequence = 0;
        if (claimId is not null && !TryParseId(claimId, out claimSequence))
        {
            ThrowHelper.ClaimMismatch();
        }

        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(messageId, out var sequence))
        {
            return false;
        }

        long address;
        using (var record = new RecordBuffer(32))
        {
            lock (state)
            {
                var nowMs = NowMs;
                var position = state.Messages.Find(sequence);
                if (state.Deleted || position < 0 || !state.Messages[position].IsLive(nowMs))
                {
                    return false;
                }

                ref var entry = ref state.Messages[position];
                if (entry.IsClaimed(nowMs))
                {
                    if (claimId is null)
                    {
                        ThrowHelper.ClaimRequired();
                    }

                    if (entry.ClaimSequence != claimSequence)
                    {
                        ThrowHelper.ClaimMismatch();
                    }
                }
                else if (claimId is not null)
                {
                    // The claim named has expired or never held this message.
                    ThrowHelper.ClaimMismatch();
                }

                WriteDeleteRecord(record, state.Id, [sequence]);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteMessagesAsync(string project, string queue, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        ArgumentNullException.ThrowIfNull(ids);
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return 0;
        }

        var sequences = new List<long>(ids.Count);
        long address;
        using (var record = new RecordBuffer(32 + (8 * ids.Count)))
        {
            lock (state)
            {
                var nowMs = NowMs;
                foreach (var id in ids)
                {
                    if (TryParseId(id, out var sequence) && !sequences.Contains(sequence))
                    {
                        var position = state.Messages.Find(sequence);
                        if (position >= 0 && state.Messages[position].IsLive(nowMs))
                        {
                            sequences.Add(sequence);
                        }
                    }
                }

                if (sequences.Count == 0 || state.Deleted)
                {
                    return 0;
                }

                WriteDeleteRecord(record, state.Id, sequences);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return sequences.Count;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<QueuedMessage>> PopMessagesAsync(string project, string queue, int limit, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return [];
        }

        var nowMs = NowMs;
        var selected = new List<Selected>(limit);
        long address, pin;
        using (var record = new RecordBuffer(32 + (8 * limit)))
        {
            lock (state)
            {
                var messages = state.Messages;
                for (var position = messages.Start; position < messages.End && selected.Count < limit; position++)
                {
                    ref var entry = ref messages[position];
                    if (entry.IsLive(nowMs) && !entry.IsClaimed(nowMs) && !entry.IsDelayed(nowMs))
                    {
                        selected.Add(Select(state, entry, nowMs));
                    }
                }

                if (selected.Count == 0 || state.Deleted)
                {
                    return [];
                }

                var sequences = new long[selected.Count];
                for (var i = 0; i < sequences.Length; i++)
                {
                    sequences[i] = selected[i].Entry.Sequence;
                }

                pin = Pin(selected);
                WriteDeleteRecord(record, state.Id, sequences);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        try
        {
            await CommitAsync(address).ConfigureAwait(false);
        }
        catch
        {
            _pins.Release(pin);
            throw;
        }

        return await ReadMessagesAsync(state, selected, pin, nowMs, cancellationToken).ConfigureAwait(false);
    }

    private static void WriteDeleteRecord(RecordBuffer record, long queueId, IReadOnlyList<long> sequences)
    {
        record.WriteByte((byte)RecordType.MessagesDeleted);
        record.WriteInt64(queueId);
        record.WriteInt32(sequences.Count);
        foreach (var sequence in sequences)
        {
            record.WriteInt64(sequence);
        }
    }

    private void EnsureFits(RecordBuffer record)
    {
        if (record.Length > _journal.MaxPayloadSize)
        {
            ThrowHelper.LimitExceeded("messages", _journal.MaxPayloadSize, $"This post needs {record.Length} bytes in the log, more than one log page holds ({_journal.MaxPayloadSize}); raise the store's page size.");
        }
    }
}
