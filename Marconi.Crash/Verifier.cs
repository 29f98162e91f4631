using System.Globalization;

namespace Marconi.Crash;

/// <summary>
/// Checks what a restarted server holds against the ledger: every message known to exist and not possibly deleted is
/// listed exactly once, byte for byte as posted, in each producer's order; nothing deleted comes back; nothing appears
/// that no producer sent; stats agree with the listing; reading by id agrees with the listing. Then settles the
/// ledger's doubts with what was seen (<see cref="Ledger.Settle"/>).
/// </summary>
internal static class Verifier
{
    /// <summary>Verifies one queue's snapshot (taken with no other request running); violations go to the ledger's findings.</summary>
    public static void Verify(Ledger ledger, QueueSnapshot snapshot, DateTime at)
    {
        var findings = ledger.Findings;
        var queue = snapshot.Queue;
        var listed = new Dictionary<SentMessage, string>();
        var servedById = new Dictionary<string, ServedMessage>(StringComparer.Ordinal);
        var lastByProducer = new Dictionary<int, SentMessage>();
        foreach (var served in snapshot.Listing)
        {
            if (!servedById.TryAdd(served.Id, served))
            {
                findings.Add(Problem.Duplicated, "id " + served.Id, $"{queue}: id {served.Id} is listed twice");
                continue;
            }

            if (!MessageBody.TryParse(served.Body, out var body, out var problem))
            {
                var owner = ledger.ById(served.Id);
                findings.Add(Problem.Corrupted, owner?.Key ?? "id " + served.Id, $"{queue}: {owner?.Name ?? served.Id} is torn ({problem}): {MessageBody.Describe(served.Body)}");
                if (owner is not null && owner.Queue == queue)
                {
                    // Present, if damaged: counted as corrupted, not lost as well.
                    listed.TryAdd(owner, served.Id);
                }

                continue;
            }

            var message = ledger.ByKey(body.Producer, body.Sequence);
            if (message is null || message.Queue != queue)
            {
                findings.Add(Problem.Corrupted, "id " + served.Id, $"{queue}: {served.Id} holds p{body.Producer}/n{body.Sequence}, which no producer sent to this queue");
                continue;
            }

            if (!listed.TryAdd(message, served.Id))
            {
                findings.Add(Problem.Duplicated, message.Key, $"{queue}: {message.Name} is listed under two ids, {listed[message]} and {served.Id}");
                continue;
            }

            if (ledger.ById(served.Id) is { } idOwner && idOwner != message)
            {
                findings.Add(Problem.Corrupted, "id " + served.Id, $"{queue}: id {served.Id}, acknowledged for {idOwner.Name}, holds {message.Name}");
            }
            else if (message.Id is not null && message.Id != served.Id)
            {
                findings.Add(Problem.Duplicated, message.Key, $"{queue}: {message.Name} is listed under another id, {served.Id}");
            }

            if (!served.Body.AsSpan().SequenceEqual(message.Body))
            {
                findings.Add(Problem.Corrupted, message.Key, $"{queue}: {message.Name} is listed with a body that differs from the one posted: {MessageBody.Describe(served.Body)}");
            }

            if (message.Deleted)
            {
                findings.Add(Problem.Resurrected, message.Key, $"{queue}: {message.Name} is listed although it was deleted (or found absent) at {message.DeletedAt:O}");
            }

            if (lastByProducer.TryGetValue(message.Producer, out var previous) && previous.Sequence > message.Sequence)
            {
                findings.Add(Problem.Reordered, message.Key, $"{queue}: producer {message.Producer} out of order: n{previous.Sequence} listed before n{message.Sequence}");
            }
            else
            {
                lastByProducer[message.Producer] = message;
            }
        }

        foreach (var message in ledger.SentTo(queue))
        {
            if (message.MustBePresent && !listed.ContainsKey(message))
            {
                var why = message.Acknowledged ? "acknowledged (201)" : "handed out by a claim";
                findings.Add(Problem.Lost, message.Key, $"{queue}: {message.Name}, {why}, never deleted, is missing");
            }
        }

        var stats = snapshot.Stats;
        if (stats.Total != snapshot.Listing.Count || stats.Free + stats.Claimed != stats.Total)
        {
            findings.Add(
                Problem.StatsMismatch,
                string.Create(CultureInfo.InvariantCulture, $"{queue} at {at:O}"),
                $"{queue}: stats say total {stats.Total} (free {stats.Free}, claimed {stats.Claimed}) but the listing has {snapshot.Listing.Count}");
        }

        var readBack = new Dictionary<string, ServedMessage>(StringComparer.Ordinal);
        foreach (var served in snapshot.ById)
        {
            readBack.TryAdd(served.Id, served);
        }

        foreach (var id in snapshot.ByIdAsked)
        {
            if (!readBack.TryGetValue(id, out var served))
            {
                findings.Add(Problem.Lost, "id " + id, $"{queue}: {id} is listed but reading it by id does not return it");
            }
            else if (!servedById.TryGetValue(id, out var inListing) || !inListing.Body.AsSpan().SequenceEqual(served.Body))
            {
                findings.Add(Problem.Corrupted, "id " + id, $"{queue}: reading {id} by id returns a body that differs from the listing's");
            }
        }

        ledger.Settle(queue, listed, at);
    }
}
