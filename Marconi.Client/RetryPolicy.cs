namespace Marconi.Client;

/// <summary>
/// Bounded, jittered retries. A request is retried when the server answered 503 (it says it could not reach its
/// storage, so nothing was committed) or when the connection could not be opened (the request never left), for every
/// operation; and on a connection lost mid-request only for operations that are idempotent (GET, HEAD, PUT, DELETE,
/// purge, share). Posting messages and claiming are not retried after a lost connection: Zaqar has no idempotency key,
/// so a retry could post the messages twice or claim a second batch while the first stays claimed until it expires.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Attempts in all, the first included (1 turns retries off).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The backoff before the first retry; it doubles on each further one, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two attempts, a server's <c>Retry-After</c> included.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based): the server's Retry-After when it gave one, else full-jitter backoff.</summary>
    internal TimeSpan DelayBefore(int retry, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
        {
            return asked < MaxDelay ? asked : MaxDelay;
        }

        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1));
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
    }
}
