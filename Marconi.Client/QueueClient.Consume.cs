using System.Runtime.CompilerServices;

namespace Marconi.Client;

/// <summary>How <see cref="QueueClient.ConsumeAsync"/> claims and waits.</summary>
/// <param name="ClaimTtl">Seconds each claim lasts (60–43200): the time the caller has to process a batch.</param>
/// <param name="ClaimGrace">Seconds added to the claimed messages' lives beyond the claim (60–43200).</param>
/// <param name="BatchSize">Messages claimed per request (1–20).</param>
/// <param name="MinPollDelay">The wait after the first empty claim.</param>
/// <param name="MaxPollDelay">The longest wait between claims of an empty queue (the wait doubles up to it).</param>
public sealed record ConsumeOptions(int ClaimTtl = 300, int ClaimGrace = 60, int BatchSize = 10, TimeSpan? MinPollDelay = null, TimeSpan? MaxPollDelay = null);

/// <summary>Claim, yield each message, delete it once the caller asks for the next one.</summary>
public sealed partial class QueueClient
{
    /// <summary>
    /// Consumes the queue until <paramref name="cancellationToken"/> is cancelled: claims a batch, yields each message
    /// and deletes it (with its claim id) when the caller moves on to the next one, so a message is deleted only after
    /// the caller's loop body ran to its end. When the queue is empty it polls again after a wait that doubles from
    /// <see cref="ConsumeOptions.MinPollDelay"/> (default 100 ms) to <see cref="ConsumeOptions.MaxPollDelay"/>
    /// (default 5 s). If the loop body throws or breaks, the current message is not deleted and the rest of the batch
    /// is not released: they stay claimed until the claim expires, and then are delivered again (at least once).
    /// Cancellation ends the enumeration with <see cref="OperationCanceledException"/>.
    /// </summary>
    public async IAsyncEnumerable<Message> ConsumeAsync(ConsumeOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new ConsumeOptions();
        var minDelay = options.MinPollDelay ?? TimeSpan.FromMilliseconds(100);
        var maxDelay = options.MaxPollDelay ?? TimeSpan.FromSeconds(5);
        var delay = minDelay;
        while (true)
        {
            var claim = await ClaimAsync(options.ClaimTtl, options.ClaimGrace, options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (claim is null)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 < maxDelay ? delay * 2 : maxDelay;
                continue;
            }

            delay = minDelay;
            foreach (var message in claim.Messages)
            {
                yield return message;
                await DeleteMessageAsync(message.Id, message.ClaimId, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
