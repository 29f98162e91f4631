using System.Collections.Concurrent;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Validation;
using Marconi.Storage.Faster.Records;

namespace Marconi.Storage.Faster.State;

/// <summary>
/// All queues of a store and the one function that changes them: <see cref="Apply"/>. Live operations and recovery
/// both go through it, so what a replay rebuilds is exactly what the live store had.
/// </summary>
internal sealed class StoreState
{
    // Reserved keys were validated when written; replay must accept them even if limits were tightened since.
    private static readonly QueueLimits ReplayLimits = new()
    {
        MaxQueueMetadataSize = int.MaxValue,
        MaxMessagesPostSize = int.MaxValue,
        MinMessageTtl = 0,
        MaxMessageTtl = int.MaxValue,
        MaxMessageDelay = int.MaxValue,
    };

    private readonly ConcurrentDictionary<string, ProjectCatalog> _projects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, QueueState> _queuesById = new();
    private long _lastSequence;
    private long _lastQueueId;
    private long _crossQueueMoves;

    /// <summary>True while replaying: records a checkpoint already covers are skipped.</summary>
    public bool Recovering { get; set; }

    public long LastSequence => Volatile.Read(ref _lastSequence);

    public long LastQueueId => Volatile.Read(ref _lastQueueId);

    /// <summary>A moment-in-time copy of all queues (takes every lock of the map and copies it: for checkpoints).</summary>
    public ICollection<QueueState> Queues => _queuesById.Values;

    /// <summary>
    /// Walks the queues without copying them, for maintenance ticks: <see cref="Queues"/> copies the whole map on each
    /// call (800 KB with 100k queues, several times a second). Queues added or removed meanwhile may or may not be seen.
    /// </summary>
    public IEnumerable<QueueState> EnumerateQueues()
    {
        foreach (var pair in _queuesById)
        {
            yield return pair.Value;
        }
    }

    public int QueueCount => _queuesById.Count;

    /// <summary>
    /// How many times entries have moved from one queue to another (dead-lettering, which keeps the body where it is in
    /// the log). A walk over the queues that saw this change may have missed a moved entry in both queues.
    /// </summary>
    public long CrossQueueMoves => Volatile.Read(ref _crossQueueMoves);

    public long NextSequence() => Interlocked.Increment(ref _lastSequence);

    public long NextQueueId() => Interlocked.Increment(ref _lastQueueId);

    /// <summary>Raises the counters to at least these values; never lowers them.</summary>
    /// <remarks>
    /// Live writes apply their records through the same code recovery uses, so this runs concurrently with
    /// <see cref="NextSequence"/> from writers on other queues: a plain read-max-write could write back a value older
    /// than one another writer has just taken, and the counter would hand that id out again.
    /// </remarks>
    public void RestoreCounters(long lastSequence, long lastQueueId)
    {
        RaiseTo(ref _lastSequence, lastSequence);
        RaiseTo(ref _lastQueueId, lastQueueId);
    }

    private static void RaiseTo(ref long counter, long value)
    {
        var current = Volatile.Read(ref counter);
        while (current < value)
        {
            var seen = Interlocked.CompareExchange(ref counter, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public ProjectCatalog Catalog(string project) => _projects.GetOrAdd(project, static _ => new ProjectCatalog());

    public ProjectCatalog? FindCatalog(string project) => _projects.TryGetValue(project, out var catalog) ? catalog : null;

    public QueueState? Find(string project, string name) => FindCatalog(project)?.Find(name);

    public QueueState? FindById(long id) => _queuesById.TryGetValue(id, out var queue) ? queue : null;

    /// <summary>Adds a queue restored from a checkpoint.</summary>
    public void Restore(QueueState queue)
    {
        Catalog(queue.Project).Add(queue);
        _queuesById[queue.Id] = queue;
        RestoreCounters(0, queue.Id);
    }

    /// <summary>
    /// Applies one record at log address <paramref name="address"/>. The caller holds the locks of the queues it
    /// touches (or is recovering, alone). The record is decoded in full before anything changes, so a malformed record
    /// throws <see cref="CorruptRecordException"/> and leaves the state untouched.
    /// </summary>
    public void Apply(long address, ReadOnlySpan<byte> payload)
    {
        var reader = new RecordReader(payload);
        var type = (RecordType)reader.ReadByte();
        switch (type)
        {
            case RecordType.QueueCreated:
                ApplyQueueCreated(ref reader);
                break;
            case RecordType.QueueMetadataSet:
                ApplyMetadata(address, ref reader);
                break;
            case RecordType.QueueDeleted:
                ApplyQueueDeleted(address, ref reader);
                break;
            case RecordType.QueuePurged:
                ApplyPurged(address, ref reader);
                break;
            case RecordType.MessagesPosted:
                ApplyPosted(address, ref reader);
                break;
            case RecordType.MessagesDeleted:
                ApplyDeleted(address, ref reader);
                break;
            case RecordType.MessagesClaimed:
                ApplyClaimed(address, ref reader);
                break;
            case RecordType.ClaimRenewed:
                ApplyClaimRenewed(address, ref reader);
                break;
            case RecordType.ClaimReleased:
                ApplyClaimReleased(address, ref reader);
                break;
            case RecordType.MessagesRelocated:
                ApplyRelocated(address, ref reader);
                break;
            case RecordType.SubscriptionSet:
                ApplySubscriptionSet(address, ref reader);
                break;
            case RecordType.SubscriptionDeleted:
                ApplySubscriptionDeleted(address, ref reader);
                break;
            case RecordType.SubscriptionsPurged:
                Target(address, reader.ReadInt64())?.Subscriptions.Clear();
                break;
            case RecordType.StorageProbe:
                break;
            default:
                throw new CorruptRecordException($"Unknown record type {(byte)type}.");
        }
    }

    /// <summary>The queue a record is for, or null when the record must be skipped (queue gone, or already in the checkpoint).</summary>
    private QueueState? Target(long address, long queueId)
    {
        var queue = FindById(queueId);
        if (queue is null || (Recovering && address < queue.CoveredUntil))
        {
            return null;
        }

        return queue;
    }

    private void ApplyQueueCreated(ref RecordReader reader)
    {
        var id = reader.ReadInt64();
        var createdMs = reader.ReadInt64();
        var project = reader.ReadString();
        var name = reader.ReadString();
        var metadataJson = reader.ReadBlob().ToArray();
        RestoreCounters(0, id);
        if (_queuesById.ContainsKey(id))
        {
            return;
        }

        var queue = new QueueState(id, project, name, createdMs, ParseStoredMetadata(metadataJson));
        var catalog = Catalog(project);
        if (catalog.Find(name) is { } stale)
        {
            // Only reachable when a checkpoint and the log disagree; the log is newer.
            Remove(stale);
        }

        catalog.Add(queue);
        _queuesById[id] = queue;
    }

    private void ApplyMetadata(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var json = reader.ReadBlob();
        if (queue is not null)
        {
            queue.Metadata = ParseStoredMetadata(json.ToArray());
        }
    }

    private void ApplyQueueDeleted(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        if (queue is not null)
        {
            Remove(queue);
        }
    }

    private void Remove(QueueState queue)
    {
        queue.Deleted = true;
        _queuesById.TryRemove(queue.Id, out _);
        FindCatalog(queue.Project)?.Remove(queue);
        queue.Messages.Clear();
        queue.Claims.Clear();
        queue.Subscriptions.Clear();
    }

    private void ApplyPurged(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        if (queue is not null)
        {
            queue.Messages.Clear();
            queue.Claims.Clear();
        }
    }

    // 16 entries of 76 bytes: ~1.2 KB of stack for the posts that carry up to 16 messages.
    private const int StackEntries = 16;

    private void ApplyPosted(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var createdMs = reader.ReadInt64();
        var client = reader.ReadGuid();
        var count = reader.ReadCount(MessageRecord.FixedBytes);

        // The whole record is decoded before anything changes, so a damaged one changes nothing; a post's usual few
        // entries are decoded on the stack.
        Span<MessageEntry> entries = count <= StackEntries ? stackalloc MessageEntry[StackEntries] : new MessageEntry[count];
        entries = entries[..count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = ReadPostedEntry(ref reader, address, createdMs);
        }

        if (count > 0)
        {
            RestoreCounters(entries[^1].Sequence, 0);
        }

        if (queue is null)
        {
            return;
        }

        var clientIndex = queue.InternClient(client);
        foreach (ref var entry in entries)
        {
            entry.ClientIndex = clientIndex;
            queue.Messages.Append(entry);
        }
    }

    private static MessageEntry ReadPostedEntry(ref RecordReader reader, long address, long createdMs)
    {
        var entry = default(MessageEntry);
        entry.Sequence = reader.ReadInt64();
        entry.Ttl = reader.ReadInt32();
        entry.Delay = reader.ReadInt32();
        entry.RawLength = reader.ReadInt32();
        entry.StoredLength = reader.ReadInt32();
        entry.BodyOffset = reader.Position;
        reader.Take(entry.StoredLength);
        if (entry.Sequence <= 0 || entry.RawLength < entry.StoredLength || entry.Ttl <= 0 || entry.Delay < 0)
        {
            throw new CorruptRecordException("Posted message fields are out of range.");
        }

        entry.Address = address;
        entry.CreatedMs = createdMs;
        entry.ExpiresMs = createdMs + (entry.Ttl * 1000L);
        return entry;
    }

    private void ApplyDeleted(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var sequences = new long[reader.ReadCount(8)];
        for (var i = 0; i < sequences.Length; i++)
        {
            sequences[i] = reader.ReadInt64();
        }

        if (queue is null)
        {
            return;
        }

        foreach (var sequence in sequences)
        {
            var position = queue.Messages.Find(sequence);
            if (position >= 0)
            {
                queue.Messages.RemoveAt(position);
            }
        }
    }

    private void ApplyClaimed(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var claimSequence = reader.ReadInt64();
        var createdMs = reader.ReadInt64();
        var ttl = reader.ReadInt32();
        var grace = reader.ReadInt32();
        var claimed = new long[reader.ReadCount(8)];
        for (var i = 0; i < claimed.Length; i++)
        {
            claimed[i] = reader.ReadInt64();
        }

        var deadLetterQueueId = reader.ReadInt64();
        var moved = new (long From, MessageEntry Entry, Guid Client)[reader.ReadCount(DeadLetterRecord.ItemBytes)];
        for (var i = 0; i < moved.Length; i++)
        {
            moved[i] = DeadLetterRecord.Read(ref reader);
        }

        RestoreCounters(claimSequence, 0);
        if (moved.Length > 0)
        {
            RestoreCounters(moved[^1].Entry.Sequence, 0);
            Interlocked.Increment(ref _crossQueueMoves);
        }

        if (queue is not null)
        {
            var claimExpiresMs = createdMs + (ttl * 1000L);
            var lifeUntilMs = claimExpiresMs + (grace * 1000L);
            foreach (var sequence in claimed)
            {
                var position = queue.Messages.Find(sequence);
                if (position < 0)
                {
                    continue;
                }

                ref var entry = ref queue.Messages[position];
                entry.ClaimSequence = claimSequence;
                entry.ClaimExpiresMs = claimExpiresMs;
                entry.ClaimCount++;
                entry.ExpiresMs = Math.Max(entry.ExpiresMs, lifeUntilMs);
            }

            if (claimed.Length > 0)
            {
                queue.Claims[claimSequence] = new ClaimState(claimSequence, createdMs, ttl, grace, claimed);
            }

            foreach (var (from, _, _) in moved)
            {
                var position = queue.Messages.Find(from);
                if (position >= 0)
                {
                    queue.Messages.RemoveAt(position);
                }
            }
        }

        // The dead-letter queue's half stands on its own: the record carries the whole entry, because a checkpoint may
        // cover this record for one of the two queues and not for the other.
        var deadLetters = moved.Length > 0 ? Target(address, deadLetterQueueId) : null;
        if (deadLetters is not null)
        {
            foreach (var (_, entry, client) in moved)
            {
                var copy = entry;
                copy.ClientIndex = deadLetters.InternClient(client);
                deadLetters.Messages.Append(copy);
            }
        }
    }

    private void ApplyClaimRenewed(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var claimSequence = reader.ReadInt64();
        var nowMs = reader.ReadInt64();
        var ttl = reader.ReadInt32();
        var grace = reader.ReadInt32();
        if (queue is null || !queue.Claims.TryGetValue(claimSequence, out var claim))
        {
            return;
        }

        claim.Renew(nowMs, ttl, grace);
        var lifeUntilMs = claim.ExpiresMs + (grace * 1000L);
        foreach (var sequence in claim.Messages)
        {
            var position = queue.Messages.Find(sequence);
            if (position >= 0 && queue.Messages[position].ClaimSequence == claimSequence)
            {
                ref var entry = ref queue.Messages[position];
                entry.ClaimExpiresMs = claim.ExpiresMs;
                entry.ExpiresMs = Math.Max(entry.ExpiresMs, lifeUntilMs);
            }
        }
    }

    private void ApplyClaimReleased(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var claimSequence = reader.ReadInt64();
        if (queue is null || !queue.Claims.Remove(claimSequence, out var claim))
        {
            return;
        }

        foreach (var sequence in claim.Messages)
        {
            var position = queue.Messages.Find(sequence);
            if (position >= 0 && queue.Messages[position].ClaimSequence == claimSequence)
            {
                ref var entry = ref queue.Messages[position];
                entry.ClaimSequence = 0;
                entry.ClaimExpiresMs = 0;
            }
        }
    }

    private void ApplyRelocated(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var items = new (long Sequence, int RawLength, int StoredLength, int Offset)[reader.ReadCount(16)];
        for (var i = 0; i < items.Length; i++)
        {
            var sequence = reader.ReadInt64();
            var rawLength = reader.ReadInt32();
            var storedLength = reader.ReadInt32();
            items[i] = (sequence, rawLength, storedLength, reader.Position);
            reader.Take(storedLength);
        }

        if (queue is null)
        {
            return;
        }

        foreach (var item in items)
        {
            var position = queue.Messages.Find(item.Sequence);
            if (position >= 0)
            {
                ref var entry = ref queue.Messages[position];
                entry.Address = address;
                entry.BodyOffset = item.Offset;
                entry.RawLength = item.RawLength;
                entry.StoredLength = item.StoredLength;
                queue.Messages.AddressesMoved();
            }
        }
    }

    private void ApplySubscriptionSet(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var subscription = SubscriptionRecord.Read(ref reader, address);
        RestoreCounters(subscription.Sequence, 0);
        queue?.Subscriptions.Set(subscription);
    }

    private void ApplySubscriptionDeleted(long address, ref RecordReader reader)
    {
        var queue = Target(address, reader.ReadInt64());
        var sequence = reader.ReadInt64();
        queue?.Subscriptions.Remove(sequence);
    }

    /// <summary>Parses metadata read back from disk: reserved keys are not re-checked against today's limits.</summary>
    public static QueueMetadata ParseStoredMetadata(byte[] json)
    {
        try
        {
            return MetadataDocument.Parse(json, ReplayLimits);
        }
        catch (QueueException exception)
        {
            throw new CorruptRecordException($"Stored queue metadata does not parse: {exception.Message}", exception);
        }
    }
}

/// <summary>How a message moved to a dead-letter queue is written inside a claim record.</summary>
internal static class DeadLetterRecord
{
    /// <summary>From, to, address, offset, stored and raw lengths, created, expires, ttl, claim count, client.</summary>
    public const int ItemBytes = 8 + 8 + 8 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 16;

    public static void Write(RecordBuffer buffer, long from, in MessageEntry moved, Guid client)
    {
        buffer.WriteInt64(from);
        buffer.WriteInt64(moved.Sequence);
        buffer.WriteInt64(moved.Address);
        buffer.WriteInt32(moved.BodyOffset);
        buffer.WriteInt32(moved.StoredLength);
        buffer.WriteInt32(moved.RawLength);
        buffer.WriteInt64(moved.CreatedMs);
        buffer.WriteInt64(moved.ExpiresMs);
        buffer.WriteInt32(moved.Ttl);
        buffer.WriteInt32(moved.ClaimCount);
        buffer.WriteGuid(client);
    }

    public static (long From, MessageEntry Entry, Guid Client) Read(ref RecordReader reader)
    {
        var from = reader.ReadInt64();
        var entry = new MessageEntry
        {
            Sequence = reader.ReadInt64(),
            Address = reader.ReadInt64(),
            BodyOffset = reader.ReadInt32(),
            StoredLength = reader.ReadInt32(),
            RawLength = reader.ReadInt32(),
            CreatedMs = reader.ReadInt64(),
            ExpiresMs = reader.ReadInt64(),
            Ttl = reader.ReadInt32(),
            ClaimCount = reader.ReadInt32(),
        };
        var client = reader.ReadGuid();
        if (entry.Sequence <= 0 || entry.RawLength < entry.StoredLength || entry.StoredLength < 0 || entry.Ttl <= 0)
        {
            throw new CorruptRecordException("Dead-lettered message fields are out of range.");
        }

        return (from, entry, client);
    }
}

/// <summary>Sizes of the fixed parts of message records.</summary>
internal static class MessageRecord
{
    /// <summary>Sequence, ttl, delay, raw length, stored length.</summary>
    public const int FixedBytes = 8 + 4 + 4 + 4 + 4;
}

/// <summary>How a subscription's whole state is written, in its log record and in checkpoints.</summary>
internal static class SubscriptionRecord
{
    /// <summary>Sequence, started, ttl, confirmed, and the two length prefixes.</summary>
    public const int MinBytes = 8 + 8 + 8 + 1 + 4 + 4;

    public static void Write(RecordBuffer buffer, SubscriptionState subscription)
    {
        buffer.WriteInt64(subscription.Sequence);
        buffer.WriteInt64(subscription.StartedMs);
        buffer.WriteInt64(subscription.Ttl);
        buffer.WriteByte(subscription.Confirmed ? (byte)1 : (byte)0);
        buffer.WriteString(subscription.Subscriber);
        buffer.WriteBlob(subscription.Options);
    }

    public static SubscriptionState Read(ref RecordReader reader, long address)
    {
        var sequence = reader.ReadInt64();
        var startedMs = reader.ReadInt64();
        var ttl = reader.ReadInt64();
        var confirmed = reader.ReadByte();
        var subscriber = reader.ReadString();
        var options = reader.ReadBlob().ToArray();
        if (sequence <= 0 || ttl <= 0 || ttl > long.MaxValue / 2000 || confirmed > 1 || subscriber.Length == 0)
        {
            throw new CorruptRecordException("Subscription fields are out of range.");
        }

        return new SubscriptionState(sequence, subscriber, ttl, startedMs, options, confirmed == 1, address);
    }
}
