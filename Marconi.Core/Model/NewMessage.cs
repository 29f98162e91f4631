namespace Marconi.Core.Model;

/// <summary>A message to post.</summary>
/// <param name="Body">The body: exactly one JSON value, stored and returned byte for byte.</param>
/// <param name="Ttl">Seconds the message lives; null takes the queue's default, else the engine's.</param>
/// <param name="Delay">Seconds before the message becomes visible to listing and claiming; null takes the queue's default (0).</param>
public readonly record struct NewMessage(ReadOnlyMemory<byte> Body, int? Ttl = null, int? Delay = null);
