namespace Marconi.Core.Storage;

/// <summary>A message the engine has validated and resolved, ready to store.</summary>
/// <param name="Body">The JSON body, byte for byte.</param>
/// <param name="Ttl">Lifetime in seconds (already within the limits).</param>
/// <param name="Delay">Seconds before it becomes visible (already within the limits).</param>
public readonly record struct MessageDraft(ReadOnlyMemory<byte> Body, int Ttl, int Delay);
