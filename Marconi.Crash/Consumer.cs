using System.Text.Json;

namespace Marconi.Crash;

/// <summary>
/// One consumer: claims up to 10 messages at a time from its queue (ttl 60 s, the shortest, so claims left alone
/// expire within a campaign and their messages are claimed again), records the claim and what it handed out, then
/// deletes most of them by their claim href and leaves some to expire; now and then deletes a random known message by
/// plain id instead (refused with 403 when someone holds it).
/// </summary>
internal sealed class Consumer(string queue, Ledger ledger, Random random)
{
    /// <summary>The claim ttl (and grace): Zaqar's minimum.</summary>
    public const int ClaimTtlSeconds = 60;

    /// <summary>Claims, deletes and plain deletes until <paramref name="stop"/> is set or a request has no answer.</summary>
    public async Task RunAsync(ZaqarClient client, RoundCounters counters, CancellationToken stop)
    {
        var clientId = Guid.NewGuid().ToString();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (random.Next(4) == 0 && ledger.PickDeletable(random) is { } victim && victim.Id is { } victimId)
                {
                    if (!await DeleteAsync(client, clientId, victim, $"v2/queues/{victim.Queue}/messages/{victimId}", counters))
                    {
                        return;
                    }

                    continue;
                }

                var sentAt = DateTime.UtcNow;
                var (status, claimId, messages) = await client.ClaimAsync(queue, clientId, random.Next(1, 11), ClaimTtlSeconds, ClaimTtlSeconds);
                var receivedAt = DateTime.UtcNow;
                if (status == 204)
                {
                    counters.EmptyClaim();
                    await Task.Delay(random.Next(2, 20), CancellationToken.None);
                    continue;
                }

                if (status != 201)
                {
                    counters.Unexpected($"claim {status}");
                    await Task.Delay(20, CancellationToken.None);
                    continue;
                }

                ledger.RecordClaim(
                    new ClaimRecord(claimId, queue, [.. messages.Select(m => m.Message.Id)], sentAt, receivedAt, ClaimTtlSeconds),
                    [.. messages.Select(m => m.Message)]);
                foreach (var (message, href) in messages)
                {
                    if (stop.IsCancellationRequested)
                    {
                        return;
                    }

                    if (ledger.ById(message.Id) is not { } known)
                    {
                        // Not a message we can name: a problem already reported.
                        continue;
                    }

                    if (random.Next(20) == 0)
                    {
                        // Left to its claim's expiry, so that it is claimed again later.
                        ledger.Abandon(known, receivedAt.AddSeconds(ClaimTtlSeconds));
                        continue;
                    }

                    if (!await DeleteAsync(client, clientId, known, href, counters))
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // A claim without an answer: it may hold messages until it expires, which no check counts on.
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            counters.Unexpected("claim 201 with an unreadable body");
        }
    }

    /// <summary>One DELETE, its outcome recorded; false when it had no answer (the consumer then stops for the round).</summary>
    private async Task<bool> DeleteAsync(ZaqarClient client, string clientId, SentMessage message, string href, RoundCounters counters)
    {
        int status;
        try
        {
            status = await client.DeleteAsync(href, clientId);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            ledger.RecordDelete(message, DeleteOutcome.Unknown, DateTime.UtcNow);
            counters.DeleteInDoubt();
            return false;
        }

        if (status == 204)
        {
            ledger.RecordDelete(message, DeleteOutcome.Deleted, DateTime.UtcNow);
        }
        else if (status is >= 400 and < 500)
        {
            ledger.RecordDelete(message, DeleteOutcome.Refused, DateTime.UtcNow);
            counters.DeleteRefused();
        }
        else
        {
            ledger.RecordDelete(message, DeleteOutcome.Unknown, DateTime.UtcNow);
            counters.Unexpected($"DELETE {status}");
        }

        return true;
    }
}
