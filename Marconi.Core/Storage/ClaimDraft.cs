namespace Marconi.Core.Storage;

/// <summary>A validated claim request.</summary>
/// <param name="Limit">Most messages to claim.</param>
/// <param name="Ttl">Claim ttl, seconds.</param>
/// <param name="Grace">Claim grace, seconds: claimed messages live at least ttl + grace from now.</param>
public readonly record struct ClaimDraft(int Limit, int Ttl, int Grace);
