namespace Marconi.Storage.Faster.State;

/// <summary>One subscription as the store holds it; replaced whole on every change, so a copy handed out never changes.</summary>
/// <param name="Sequence">Store-wide sequence: the subscription id.</param>
/// <param name="Subscriber">The subscriber URI.</param>
/// <param name="Ttl">Lifetime in seconds from <paramref name="StartedMs"/>.</param>
/// <param name="StartedMs">Creation or last ttl change, Unix milliseconds (age counts from here).</param>
/// <param name="Options">The options JSON object.</param>
/// <param name="Confirmed">Whether the subscriber confirmed it.</param>
/// <param name="Address">Log address of the record that set this state.</param>
internal sealed record SubscriptionState(long Sequence, string Subscriber, long Ttl, long StartedMs, byte[] Options, bool Confirmed, long Address)
{
    public long ExpiresMs => StartedMs + (Ttl * 1000);

    public bool IsLive(long nowMs) => ExpiresMs > nowMs;
}
