namespace Marconi.Core.Model;

/// <summary>Message counts of a queue, and its oldest and newest messages.</summary>
/// <param name="Claimed">Messages held by a live claim.</param>
/// <param name="Free">Live messages not held by a claim (delayed ones included).</param>
/// <param name="Oldest">The oldest live message, or null when the queue is empty.</param>
/// <param name="Newest">The newest live message, or null when the queue is empty.</param>
public sealed record QueueStats(long Claimed, long Free, MessageStamp? Oldest, MessageStamp? Newest)
{
    /// <summary>All live messages.</summary>
    public long Total => Claimed + Free;
}

/// <summary>Identifies a message in stats.</summary>
/// <param name="Id">The message id.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="Age">Whole seconds since then.</param>
public sealed record MessageStamp(string Id, DateTimeOffset CreatedAt, long Age);
