using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;

namespace Marconi.Storage.Faster.Checkpoints;

/// <summary>
/// A checkpoint being written (<see cref="CheckpointStore.Begin"/>): each queue goes straight from the live index into
/// the file while the caller holds the queue's lock, so taking a checkpoint never holds a second copy of the index.
/// </summary>
internal sealed class PendingCheckpoint : IDisposable
{
    /// <summary>The bytes of one message entry in the file.</summary>
    public const int EntryBytes = (6 * 8) + (7 * 4);

    private readonly RecordBuffer _subscription = new();

    internal PendingCheckpoint(CheckpointWriter writer)
    {
        Writer = writer;
    }

    /// <summary>How many queues were written.</summary>
    public int QueueCount { get; private set; }

    internal CheckpointWriter Writer { get; }

    /// <summary>Writes the queue as it is now; the caller holds its lock. <paramref name="coveredUntil"/> is the log tail read under that lock.</summary>
    public void WriteQueue(QueueState queue, long coveredUntil)
    {
        var writer = Writer;
        writer.WriteInt64(queue.Id);
        writer.WriteInt64(coveredUntil);
        writer.WriteInt64(queue.CreatedMs);
        writer.WriteString(queue.Project);
        writer.WriteString(queue.Name);
        writer.WriteBlob(queue.Metadata.Json.Span);
        writer.WriteInt32(queue.Clients.Count);
        foreach (var client in queue.Clients)
        {
            writer.WriteGuid(client);
        }

        writer.WriteInt32(queue.Claims.Count);
        foreach (var claim in queue.Claims.Values)
        {
            writer.WriteInt64(claim.Sequence);
            writer.WriteInt64(claim.CreatedMs);
            writer.WriteInt32(claim.Ttl);
            writer.WriteInt32(claim.Grace);
            writer.WriteInt64(claim.ExpiresMs);
            writer.WriteInt32(claim.Messages.Length);
            foreach (var sequence in claim.Messages)
            {
                writer.WriteInt64(sequence);
            }
        }

        var messages = queue.Messages;
        writer.WriteInt32(messages.Count);
        for (var position = messages.Start; position < messages.End; position++)
        {
            ref var entry = ref messages[position];
            if (!entry.InUse)
            {
                continue;
            }

            writer.WriteInt64(entry.Sequence);
            writer.WriteInt64(entry.Address);
            writer.WriteInt64(entry.CreatedMs);
            writer.WriteInt64(entry.ExpiresMs);
            writer.WriteInt64(entry.ClaimSequence);
            writer.WriteInt64(entry.ClaimExpiresMs);
            writer.WriteInt32(entry.BodyOffset);
            writer.WriteInt32(entry.StoredLength);
            writer.WriteInt32(entry.RawLength);
            writer.WriteInt32(entry.Ttl);
            writer.WriteInt32(entry.Delay);
            writer.WriteInt32(entry.ClaimCount);
            writer.WriteInt32(entry.ClientIndex);
        }

        writer.WriteInt32(queue.Subscriptions.Count);
        foreach (var subscription in queue.Subscriptions.All)
        {
            _subscription.Shrink(_subscription.Length);
            SubscriptionRecord.Write(_subscription, subscription);
            writer.WriteBlob(_subscription.WrittenSpan);
        }

        QueueCount++;
    }

    /// <summary>Closes the file; an incomplete one stays a temporary file that the next checkpoint overwrites.</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        Writer.Dispose();
    }
}
