using System.Globalization;

namespace Marconi.Crash;

/// <summary>
/// One message a producer sent, and what the campaign knows about its fate. Mutated only under the ledger's lock.
/// </summary>
internal sealed class SentMessage(string queue, int producer, long sequence, byte[] body)
{
    /// <summary>The queue it was posted to.</summary>
    public string Queue { get; } = queue;

    /// <summary>The producer that sent it.</summary>
    public int Producer { get; } = producer;

    /// <summary>The producer's sequence number (unique per producer: a batch is never re-sent).</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The exact body bytes sent.</summary>
    public byte[] Body { get; } = body;

    /// <summary>Its id: from the POST's 201, or learned from a claim or a listing when the POST's outcome was unknown.</summary>
    public string? Id { get; set; }

    /// <summary>Its POST was answered 201.</summary>
    public bool Acknowledged { get; set; }

    /// <summary>Sent without a 201 (yet): it may or may not exist. Cleared by a 201 or by the next verification.</summary>
    public bool PostInDoubt { get; set; } = true;

    /// <summary>A DELETE of it got 204, or a verification found it absent while its post or delete was in doubt.</summary>
    public bool Deleted { get; set; }

    /// <summary>When <see cref="Deleted"/> became true (the 204's arrival, or the verification).</summary>
    public DateTime DeletedAt { get; set; }

    /// <summary>A DELETE of it had an unknown outcome (no answer before the kill). Cleared by the next verification.</summary>
    public bool DeleteInDoubt { get; set; }

    /// <summary>Until when a claim a consumer left it to holds it (default: not left to a claim).</summary>
    public DateTime AbandonedUntil { get; set; }

    /// <summary>Index in the ledger's list of deletable messages, or -1 when not in it.</summary>
    public int DeletableSlot { get; set; } = -1;

    /// <summary>Whether a verification must find it: known to exist and not possibly deleted.</summary>
    public bool MustBePresent => Id is not null && !Deleted && !DeleteInDoubt;

    /// <summary>The subject of problem reports: producer and sequence number (plus the id when known).</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"p{Producer}/n{Sequence}") + (Id is null ? string.Empty : $" ({Id})");

    /// <summary>The dedup key of problem reports.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Producer}/{Sequence}");
}

/// <summary>A claim the server granted: which messages it handed out, and when the request was sent and answered.</summary>
/// <param name="ClaimId">The claim's id (from its Location).</param>
/// <param name="Queue">The queue claimed from.</param>
/// <param name="MessageIds">The ids handed out.</param>
/// <param name="SentAt">Wall-clock time the request was sent (the grant is no earlier).</param>
/// <param name="ReceivedAt">Wall-clock time the answer arrived (the grant is no later).</param>
/// <param name="TtlSeconds">The claim's ttl: it holds its messages for that long after the grant.</param>
internal sealed record ClaimRecord(string ClaimId, string Queue, IReadOnlyList<string> MessageIds, DateTime SentAt, DateTime ReceivedAt, int TtlSeconds);

/// <summary>A message as the server served it: its id and the raw JSON of its body.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Body">The body's bytes exactly as served.</param>
internal sealed record ServedMessage(string Id, byte[] Body);

/// <summary>A queue's counts from <c>GET /v2/queues/{q}/stats</c>.</summary>
/// <param name="Free">Messages neither claimed nor delayed.</param>
/// <param name="Claimed">Messages held by a live claim.</param>
/// <param name="Total">All live messages.</param>
internal sealed record QueueStats(long Free, long Claimed, long Total);

/// <summary>What one verification read from one queue with nothing else running.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Listing">Every message, oldest first (echo, claimed included), paged through markers.</param>
/// <param name="Stats">Its stats, read right after the listing.</param>
/// <param name="ByIdAsked">A sample of the listed ids, read again by id (<c>GET ...?ids=</c>).</param>
/// <param name="ById">What that read returned.</param>
internal sealed record QueueSnapshot(
    string Queue, IReadOnlyList<ServedMessage> Listing, QueueStats Stats, IReadOnlyList<string> ByIdAsked, IReadOnlyList<ServedMessage> ById);
