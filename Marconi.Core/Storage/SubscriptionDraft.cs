namespace Marconi.Core.Storage;

/// <summary>A validated subscription to create.</summary>
/// <param name="Subscriber">The subscriber URI.</param>
/// <param name="Ttl">Lifetime in seconds.</param>
/// <param name="Options">The options JSON object.</param>
public sealed record SubscriptionDraft(string Subscriber, long Ttl, ReadOnlyMemory<byte> Options);
