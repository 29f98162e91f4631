namespace Marconi.Tests.Engine.Model;

/// <summary>
/// One step of a model-based run. References to messages and claims are picks (any non-negative number) resolved
/// modulo what the run has seen so far, so every generated sequence is meaningful whatever came before it.
/// </summary>
public abstract record ModelOp;

/// <summary>PUT the queue (no metadata).</summary>
public sealed record CreateQueueOp(string Queue) : ModelOp;

/// <summary>DELETE the queue with its messages and claims.</summary>
public sealed record DeleteQueueOp(string Queue) : ModelOp;

/// <summary>Post a batch: one (ttl, delay) per message, nulls for the defaults.</summary>
public sealed record PostOp(string Queue, int Client, (int? Ttl, int? Delay)[] Messages) : ModelOp
{
    /// <inheritdoc />
    public override string ToString() => $"Post({Queue}, client {Client}, [{string.Join(", ", Messages.Select(m => $"ttl {m.Ttl?.ToString() ?? "-"}/delay {m.Delay?.ToString() ?? "-"}"))}])";
}

/// <summary>List a page; <see cref="MarkerPick"/> null starts at the oldest, otherwise picks a marker a previous page returned.</summary>
public sealed record ListOp(string Queue, int Client, int? MarkerPick, int? Limit, bool Echo, bool IncludeClaimed, bool IncludeDelayed) : ModelOp;

/// <summary>Get messages by picked ids (0 to 3 picks; none is an error).</summary>
public sealed record GetManyOp(string Queue, int[] Picks) : ModelOp
{
    /// <inheritdoc />
    public override string ToString() => $"GetMany({Queue}, [{string.Join(", ", Picks)}])";
}

/// <summary>Claim with a limit, ttl and grace (nulls for the defaults; some values out of range).</summary>
public sealed record ClaimOp(string Queue, int? Limit, int? Ttl, int? Grace) : ModelOp;

/// <summary>Get a picked claim.</summary>
public sealed record GetClaimOp(string Queue, int Pick) : ModelOp;

/// <summary>Renew a picked claim from now.</summary>
public sealed record RenewClaimOp(string Queue, int Pick, int? Ttl, int? Grace) : ModelOp;

/// <summary>Release a picked claim.</summary>
public sealed record ReleaseClaimOp(string Queue, int Pick) : ModelOp;

/// <summary>Delete a picked message, with a picked claim id or none.</summary>
public sealed record DeleteOp(string Queue, int Pick, int? ClaimPick) : ModelOp;

/// <summary>Delete messages by picked ids (0 to 3 picks; none is an error).</summary>
public sealed record DeleteManyOp(string Queue, int[] Picks) : ModelOp
{
    /// <inheritdoc />
    public override string ToString() => $"DeleteMany({Queue}, [{string.Join(", ", Picks)}])";
}

/// <summary>Pop up to <see cref="Count"/> free messages (0 and 21 are errors).</summary>
public sealed record PopOp(string Queue, int Count) : ModelOp;

/// <summary>The queue's counts and oldest and newest messages.</summary>
public sealed record StatsOp(string Queue) : ModelOp;

/// <summary>Move the fake clock forward by whole seconds.</summary>
public sealed record AdvanceOp(int Seconds) : ModelOp;

/// <summary>Close the store and open it again on the same directory.</summary>
public sealed record ReopenOp : ModelOp;
