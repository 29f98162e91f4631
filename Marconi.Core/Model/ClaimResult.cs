namespace Marconi.Core.Model;

/// <summary>A claim and the messages it holds.</summary>
/// <param name="ClaimId">Server-generated claim id.</param>
/// <param name="Ttl">Claim ttl in seconds.</param>
/// <param name="Grace">Claim grace in seconds.</param>
/// <param name="Age">Whole seconds since the claim was made.</param>
/// <param name="Messages">The messages the claim still holds, oldest first.</param>
public sealed record ClaimResult(string ClaimId, int Ttl, int Grace, long Age, IReadOnlyList<QueuedMessage> Messages);
