namespace Marconi.Core.Storage;

/// <summary>A validated message listing request.</summary>
/// <param name="Marker">List messages after this id; null starts at the oldest.</param>
/// <param name="Limit">Page size (already within the limits).</param>
/// <param name="ClientId">The caller's client id (hidden unless <paramref name="Echo"/>).</param>
/// <param name="Echo">Include the caller's own messages.</param>
/// <param name="IncludeClaimed">Include messages held by a live claim.</param>
/// <param name="IncludeDelayed">Include messages whose delay has not passed.</param>
public readonly record struct MessageQuery(string? Marker, int Limit, Guid ClientId, bool Echo, bool IncludeClaimed, bool IncludeDelayed);
