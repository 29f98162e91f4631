using System.Text;
using System.Text.Json;

namespace Marconi.Crash;

/// <summary>
/// One producer: posts batches of 1-10 self-checking messages to its queue, one request at a time, recording each in
/// the ledger before sending and its ids on 201. Its sequence numbers continue over the rounds and are never re-sent,
/// so a (producer, sequence) pair names one message for the whole campaign. It holds back while the campaign's backlog
/// (messages known live) is above <c>maxBacklog</c>: a post is one fsync for up to 10 messages and a delete one for one,
/// so unchecked producers would grow the queues (and every verification's listing) without bound.
/// </summary>
internal sealed class Producer(int index, string queue, Ledger ledger, Random random, int maxBacklog)
{
    /// <summary>Messages live a day: longer than any campaign (--max-seconds is at most half of it).</summary>
    public const int MessageTtlSeconds = 86_400;

    private long _next;

    /// <summary>
    /// Posts until <paramref name="stop"/> is set or a post has no answer. After an unanswered post (the kill) the
    /// producer sends nothing more this round: a later post could otherwise land before the unanswered one, and the
    /// per-producer order check would have to excuse it.
    /// </summary>
    public async Task RunAsync(ZaqarClient client, RoundCounters counters, CancellationToken stop)
    {
        var clientId = Guid.NewGuid().ToString();
        while (!stop.IsCancellationRequested)
        {
            if (ledger.Backlog(DateTime.UtcNow) > maxBacklog)
            {
                await Task.Delay(random.Next(5, 20), CancellationToken.None);
                continue;
            }

            var count = random.Next(1, 11);
            var batch = new SentMessage[count];
            var request = new StringBuilder("{\"messages\":[");
            for (var i = 0; i < count; i++)
            {
                var body = new MessageBody(index, _next + i, _next, count).Create(random.Next(0, 400), random);
                batch[i] = new SentMessage(queue, index, _next + i, body);
                request.Append(i == 0 ? "{\"ttl\":" : ",{\"ttl\":").Append(MessageTtlSeconds).Append(",\"body\":").Append(Encoding.UTF8.GetString(body)).Append('}');
            }

            request.Append("]}");
            _next += count;
            ledger.RecordSent(batch);
            int status;
            IReadOnlyList<string> ids;
            try
            {
                (status, ids) = await client.PostAsync(queue, clientId, Encoding.UTF8.GetBytes(request.ToString()));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                counters.PostInDoubt();
                return;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                counters.Unexpected("POST 201 with an unreadable body");
                return;
            }

            if (status != 201 || ids.Count != count)
            {
                // An answer that does not acknowledge the batch leaves it in doubt like a lost answer, and for the
                // same reason (order) the producer stops.
                counters.Unexpected(status == 201 ? $"POST 201 with {ids.Count} ids for {count} messages" : $"POST {status}");
                return;
            }

            ledger.RecordPosted(batch, ids);
        }
    }
}
