using System.Runtime.CompilerServices;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Storage.Faster.Journal;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;
using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    /// <summary>A message chosen under the queue's lock, to be read from the log after the lock is released.</summary>
    private readonly record struct Selected(MessageEntry Entry, Guid Client, long ClaimSequence);

    /// <summary>
    /// Reuses the lists that carry a page or a claim's selection from the queue's lock to the log reads (each one is
    /// about 100 bytes an entry). One list per thread: a list rented on one thread and returned on another just moves.
    /// </summary>
    private static class SelectionLists
    {
        private const int MaxPooledCapacity = 128;

        [ThreadStatic]
        private static List<Selected>? t_cached;

        public static List<Selected> Rent(int capacity)
        {
            var list = t_cached;
            if (list is not null && list.Capacity >= capacity)
            {
                t_cached = null;
                return list;
            }

            return new List<Selected>(capacity);
        }

        /// <summary>Takes the list back; the caller must not use it afterwards.</summary>
        public static void Return(List<Selected> list)
        {
            if (list.Capacity <= MaxPooledCapacity)
            {
                list.Clear();
                t_cached = list;
            }
        }
    }

    private static Selected Select(QueueState state, in MessageEntry entry, long nowMs) =>
        new(entry, state.Clients[entry.ClientIndex], entry.IsClaimed(nowMs) ? entry.ClaimSequence : 0);

    /// <summary>Keeps the log from being truncated under the selected bodies until they are read; call under the queue's lock.</summary>
    private long Pin(List<Selected> selected)
    {
        if (selected.Count == 0)
        {
            return 0;
        }

        var lowest = long.MaxValue;
        foreach (var item in selected)
        {
            lowest = Math.Min(lowest, item.Entry.Address);
        }

        return _pins.Pin(lowest);
    }

    /// <summary>Reads the bodies of the selected messages, one log read per record; damaged bodies are left out and logged.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IReadOnlyList<QueuedMessage>> ReadMessagesAsync(QueueState state, List<Selected> selected, long pin, long nowMs, CancellationToken cancellationToken)
    {
        if (selected.Count == 0)
        {
            _pins.Release(pin);
            return [];
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        var messages = new List<QueuedMessage>(selected.Count);
        List<long>? damaged = null;

        // Each record is read once: consecutive messages of one posted batch share it.
        JournalEntry? record = null;
        var recordAddress = -1L;
        try
        {
            foreach (var item in selected)
            {
                var entry = item.Entry;
                if (entry.Address != recordAddress)
                {
                    record?.Dispose();
                    record = null;
                    record = await ReadRecordAsync(entry.Address, cancellationToken).ConfigureAwait(false);
                    recordAddress = entry.Address;
                }

                byte[] body;
                try
                {
                    if (!TryStoredBody(record, entry, out var stored))
                    {
                        throw new CorruptRecordException($"The body of message {entry.Sequence} is unreadable or lies outside its record.");
                    }

                    body = BodyCodec.Read(stored.Span, entry.RawLength);
                }
                catch (CorruptRecordException exception)
                {
                    LogBodyUnreadable(_logger, entry.Address, exception.Message);
                    (damaged ??= []).Add(entry.Sequence);
                    continue;
                }

                messages.Add(new QueuedMessage(
                    FormatId(entry.Sequence),
                    body,
                    entry.Ttl,
                    DateTimeOffset.FromUnixTimeMilliseconds(entry.CreatedMs),
                    now,
                    item.Client,
                    item.ClaimSequence != 0 ? FormatId(item.ClaimSequence) : null,
                    entry.ClaimCount));
            }
        }
        finally
        {
            record?.Dispose();
            _pins.Release(pin);
        }

        if (damaged is not null)
        {
            Quarantine(state, damaged);
        }

        return messages;
    }

    /// <summary>
    /// Drops messages whose bodies cannot be read intact from the index, so they are never served and never block a
    /// listing or a claim again. No record is written: a restart finds them damaged again and drops them again.
    /// </summary>
    private void Quarantine(QueueState state, List<long> sequences)
    {
        lock (state)
        {
            foreach (var sequence in sequences)
            {
                var position = state.Messages.Find(sequence);
                if (position >= 0)
                {
                    state.Messages.RemoveAt(position);
                }
            }
        }

        LogQuarantined(_logger, sequences.Count, state.Name);
    }

    /// <summary>The stored (possibly compressed) body bytes of <paramref name="entry"/> in its record; false when unreadable.</summary>
    private static bool TryStoredBody(JournalEntry? record, in MessageEntry entry, out ReadOnlyMemory<byte> stored)
    {
        stored = default;
        if (record is null || entry.BodyOffset < 0 || entry.StoredLength < 0 || entry.BodyOffset > record.Payload.Length - entry.StoredLength)
        {
            return false;
        }

        stored = record.Payload.Slice(entry.BodyOffset, entry.StoredLength);
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<JournalEntry?> ReadRecordAsync(long address, CancellationToken cancellationToken)
    {
        try
        {
            // A record appended with relaxed durability is read only once durable: no reader sees what a crash could take back.
            if (address >= _journal.CommittedUntilAddress)
            {
                await _journal.WaitForCommitAsync(address, cancellationToken).ConfigureAwait(false);
            }

            return await _journal.ReadAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch (JournalCorruptException exception)
        {
            LogBodyUnreadable(_logger, address, exception.Message);
            return null;
        }
        catch (JournalUnavailableException exception)
        {
            // A record appended but never committed before storage failed: it is not served, and the rebuild drops it.
            NoteStorageFailed();
            ThrowHelper.StorageUnavailable("Storage is unavailable; the store is recovering from a storage failure: " + exception.Message, exception);
            return null;
        }
    }

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "{Count} damaged messages of queue {Queue} were dropped from the index")]
    private static partial void LogQuarantined(ILogger logger, int count, string queue);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Log record at {Address} is damaged; its messages are not served: {Reason}")]
    private static partial void LogBodyUnreadable(ILogger logger, long address, string reason);
}
