namespace Marconi.Storage.Faster.State;

/// <summary>A claim: its times and the sequences of the messages it took, in queue order.</summary>
internal sealed class ClaimState
{
    public ClaimState(long sequence, long createdMs, int ttl, int grace, long[] messages)
    {
        Sequence = sequence;
        CreatedMs = createdMs;
        Ttl = ttl;
        Grace = grace;
        ExpiresMs = createdMs + (ttl * 1000L);
        Messages = messages;
    }

    /// <summary>Store-wide sequence: the claim id.</summary>
    public long Sequence { get; }

    /// <summary>When it was made or last renewed, Unix milliseconds (age counts from here).</summary>
    public long CreatedMs { get; private set; }

    /// <summary>Claim ttl, seconds.</summary>
    public int Ttl { get; private set; }

    /// <summary>Claim grace, seconds.</summary>
    public int Grace { get; private set; }

    /// <summary>Expiry, Unix milliseconds.</summary>
    public long ExpiresMs { get; private set; }

    /// <summary>Sequences of the messages taken (some may since be deleted).</summary>
    public long[] Messages { get; }

    public bool IsLive(long nowMs) => ExpiresMs > nowMs;

    /// <summary>Restarts the claim at <paramref name="nowMs"/> with a new ttl and grace.</summary>
    public void Renew(long nowMs, int ttl, int grace)
    {
        CreatedMs = nowMs;
        Ttl = ttl;
        Grace = grace;
        ExpiresMs = nowMs + (ttl * 1000L);
    }

    /// <summary>Restores a renewed claim from a checkpoint.</summary>
    public static ClaimState Restore(long sequence, long createdMs, int ttl, int grace, long expiresMs, long[] messages)
    {
        var claim = new ClaimState(sequence, createdMs, ttl, grace, messages);
        claim.ExpiresMs = expiresMs;
        return claim;
    }
}
