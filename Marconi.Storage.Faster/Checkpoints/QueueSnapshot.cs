using Marconi.Storage.Faster.State;

namespace Marconi.Storage.Faster.Checkpoints;

/// <summary>A copy of one queue's state taken under its lock, with the log address it is complete up to.</summary>
internal sealed record QueueSnapshot(
    long Id,
    long CoveredUntil,
    long CreatedMs,
    string Project,
    string Name,
    ReadOnlyMemory<byte> Metadata,
    Guid[] Clients,
    ClaimSnapshot[] Claims,
    MessageEntry[] Messages,
    SubscriptionState[] Subscriptions)
{
    /// <summary>Copies the queue; the caller holds its lock. <paramref name="coveredUntil"/> is the log tail read under that lock.</summary>
    public static QueueSnapshot Take(QueueState queue, long coveredUntil)
    {
        var claims = new ClaimSnapshot[queue.Claims.Count];
        var i = 0;
        foreach (var claim in queue.Claims.Values)
        {
            claims[i++] = new ClaimSnapshot(claim.Sequence, claim.CreatedMs, claim.Ttl, claim.Grace, claim.ExpiresMs, claim.Messages);
        }

        var messages = new MessageEntry[queue.Messages.Count];
        var count = 0;
        for (var position = queue.Messages.Start; position < queue.Messages.End; position++)
        {
            if (queue.Messages[position].InUse)
            {
                messages[count++] = queue.Messages[position];
            }
        }

        return new QueueSnapshot(queue.Id, coveredUntil, queue.CreatedMs, queue.Project, queue.Name, queue.Metadata.Json, [.. queue.Clients], claims, messages, [.. queue.Subscriptions.All]);
    }
}

/// <summary>A claim as saved in a checkpoint.</summary>
internal sealed record ClaimSnapshot(long Sequence, long CreatedMs, int Ttl, int Grace, long ExpiresMs, long[] Messages);
