namespace Marconi.Core.Model;

/// <summary>One queue's message counts in a project's stats.</summary>
/// <param name="Name">The queue name.</param>
/// <param name="Free">Live messages not held by a claim.</param>
/// <param name="Claimed">Messages held by a live claim.</param>
public sealed record QueueCounts(string Name, long Free, long Claimed)
{
    /// <summary>All live messages.</summary>
    public long Total => Free + Claimed;
}

/// <summary>A project's totals over all its queues and one page of per-queue counts.</summary>
/// <param name="Queues">How many queues the project has.</param>
/// <param name="Free">Free messages in all of them.</param>
/// <param name="Claimed">Claimed messages in all of them.</param>
/// <param name="Page">The queues after the marker, by name, at most the limit asked for.</param>
/// <param name="NextMarker">The marker of the next page (the last name of this one), or null when this one is the last.</param>
public sealed record ProjectStats(long Queues, long Free, long Claimed, IReadOnlyList<QueueCounts> Page, string? NextMarker)
{
    /// <summary>All live messages of the project.</summary>
    public long Total => Free + Claimed;
}
