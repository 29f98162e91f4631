using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    /// <inheritdoc />
    public async ValueTask<ClaimResult?> ClaimMessagesAsync(string project, string queue, ClaimDraft claim, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return null;
        }

        while (true)
        {
            // The dead-letter queue is found (or created) before any queue lock is taken: creating takes the catalog
            // lock, which is always taken before queue locks.
            var settings = state.Metadata.Settings;
            QueueState? deadLetters = null;
            if (settings.HasDeadLetterQueue && settings.DeadLetterQueue != queue)
            {
                deadLetters = GetOrCreateQueue(project, settings.DeadLetterQueue!, QueueMetadata.Empty).Queue;
            }

            var outcome = TryClaim(state, deadLetters, settings, claim);
            if (outcome.Retry)
            {
                continue;
            }

            if (outcome.Address < 0)
            {
                return null;
            }

            try
            {
                await CommitAsync(outcome.Address).ConfigureAwait(false);
            }
            catch
            {
                _pins.Release(outcome.Pin);
                throw;
            }

            if (outcome.Selected.Count == 0)
            {
                // Everything found was dead-lettered: nothing was claimed.
                _pins.Release(outcome.Pin);
                return null;
            }

            var messages = await ReadMessagesAsync(state, outcome.Selected, outcome.Pin, outcome.NowMs, cancellationToken).ConfigureAwait(false);
            SelectionLists.Return(outcome.Selected);
            return new ClaimResult(FormatId(outcome.ClaimSequence), claim.Ttl, claim.Grace, 0, messages);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ClaimResult?> GetClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(claimId, out var claimSequence))
        {
            return null;
        }

        var nowMs = NowMs;
        ClaimState? claim;
        var selected = new List<Selected>();
        long pin;
        lock (state)
        {
            if (!state.Claims.TryGetValue(claimSequence, out claim) || !claim.IsLive(nowMs))
            {
                return null;
            }

            foreach (var sequence in claim.Messages)
            {
                var position = state.Messages.Find(sequence);
                if (position >= 0 && state.Messages[position].ClaimSequence == claimSequence && state.Messages[position].IsLive(nowMs))
                {
                    selected.Add(Select(state, state.Messages[position], nowMs));
                }
            }

            pin = Pin(selected);
        }

        var messages = await ReadMessagesAsync(state, selected, pin, nowMs, cancellationToken).ConfigureAwait(false);
        var age = Math.Max(0, (nowMs - claim.CreatedMs) / 1000);
        return new ClaimResult(claimId, claim.Ttl, claim.Grace, age, messages);
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateClaimAsync(string project, string queue, string claimId, int ttl, int grace, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(claimId, out var claimSequence))
        {
            return false;
        }

        long address;
        using (var record = new RecordBuffer(48))
        {
            lock (state)
            {
                var nowMs = NowMs;
                if (state.Deleted || !state.Claims.TryGetValue(claimSequence, out var claim) || !claim.IsLive(nowMs))
                {
                    return false;
                }

                record.WriteByte((byte)RecordType.ClaimRenewed);
                record.WriteInt64(state.Id);
                record.WriteInt64(claimSequence);
                record.WriteInt64(nowMs);
                record.WriteInt32(ttl);
                record.WriteInt32(grace);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseClaimAsync(string project, string queue, string claimId, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null || !TryParseId(claimId, out var claimSequence))
        {
            return false;
        }

        long address;
        using (var record = new RecordBuffer(24))
        {
            lock (state)
            {
                if (state.Deleted || !state.Claims.TryGetValue(claimSequence, out var claim))
                {
                    return false;
                }

                if (!claim.IsLive(NowMs))
                {
                    // An expired claim holds nothing any more; forgetting it needs no record.
                    state.Claims.Remove(claimSequence);
                    return false;
                }

                record.WriteByte((byte)RecordType.ClaimReleased);
                record.WriteInt64(state.Id);
                record.WriteInt64(claimSequence);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    private readonly record struct ClaimOutcome(bool Retry, long Address, long ClaimSequence, List<Selected> Selected, long Pin, long NowMs);

    /// <summary>
    /// Picks and claims free messages under the queue's lock (and the dead-letter queue's, taken in queue-id order so
    /// two queues dead-lettering into each other cannot deadlock).
    /// </summary>
    private ClaimOutcome TryClaim(QueueState state, QueueState? deadLetters, QueueSettings settings, ClaimDraft claim)
    {
        var first = deadLetters is null || state.Id < deadLetters.Id ? state : deadLetters;
        var second = deadLetters is null ? null : ReferenceEquals(first, state) ? deadLetters : state;
        lock (first)
        {
            if (second is null)
            {
                return ClaimLocked(state, null, settings, claim);
            }

            lock (second)
            {
                return ClaimLocked(state, deadLetters, settings, claim);
            }
        }
    }

    private ClaimOutcome ClaimLocked(QueueState state, QueueState? deadLetters, QueueSettings settings, ClaimDraft claim)
    {
        var nowMs = NowMs;
        if (state.Deleted)
        {
            return new ClaimOutcome(false, -1, 0, [], 0, nowMs);
        }

        if (!ReferenceEquals(settings, state.Metadata.Settings) || deadLetters?.Deleted == true)
        {
            // The metadata (and so the dead-letter queue) changed since the caller looked: look again.
            return new ClaimOutcome(true, -1, 0, [], 0, nowMs);
        }

        var maxClaims = deadLetters is null ? int.MaxValue : settings.MaxClaimCount!.Value;
        var selected = SelectionLists.Rent(claim.Limit);
        List<int>? moving = null;
        var messages = state.Messages;
        for (var position = messages.Start; position < messages.End && selected.Count < claim.Limit; position++)
        {
            ref var entry = ref messages[position];
            if (!entry.IsLive(nowMs) || entry.IsClaimed(nowMs) || entry.IsDelayed(nowMs))
            {
                continue;
            }

            if (entry.ClaimCount >= maxClaims)
            {
                (moving ??= []).Add(position);
            }
            else
            {
                selected.Add(Select(state, entry, nowMs));
            }
        }

        if (selected.Count == 0 && moving is null)
        {
            return new ClaimOutcome(false, -1, 0, selected, 0, nowMs);
        }

        var claimSequence = _state.NextSequence();
        using var record = new RecordBuffer(64 + (8 * selected.Count) + (DeadLetterRecord.ItemBytes * (moving?.Count ?? 0)));
        record.WriteByte((byte)RecordType.MessagesClaimed);
        record.WriteInt64(state.Id);
        record.WriteInt64(claimSequence);
        record.WriteInt64(nowMs);
        record.WriteInt32(claim.Ttl);
        record.WriteInt32(claim.Grace);
        record.WriteInt32(selected.Count);
        foreach (var item in selected)
        {
            record.WriteInt64(item.Entry.Sequence);
        }

        record.WriteInt64(deadLetters?.Id ?? 0);
        record.WriteInt32(moving?.Count ?? 0);
        if (moving is not null)
        {
            var deadLetterTtl = settings.DeadLetterQueueMessagesTtl;
            foreach (var position in moving)
            {
                var moved = messages[position];
                var from = moved.Sequence;
                moved.Sequence = _state.NextSequence();
                moved.ClaimSequence = 0;
                moved.ClaimExpiresMs = 0;
                moved.Delay = 0;
                if (deadLetterTtl is int ttl)
                {
                    moved.Ttl = ttl;
                    moved.ExpiresMs = nowMs + (ttl * 1000L);
                }

                DeadLetterRecord.Write(record, from, moved, state.Clients[moved.ClientIndex]);
            }
        }

        var pin = Pin(selected);
        var address = AppendAndApply(record.WrittenSpan);

        // The claim as applied: selected entries now carry the claim.
        for (var i = 0; i < selected.Count; i++)
        {
            var position = messages.Find(selected[i].Entry.Sequence);
            selected[i] = Select(state, messages[position], nowMs);
        }

        return new ClaimOutcome(false, address, claimSequence, selected, pin, nowMs);
    }
}
