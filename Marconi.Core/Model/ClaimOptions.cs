namespace Marconi.Core.Model;

/// <summary>A claim request; nulls take the defaults (limit 10, ttl 300 s, grace 60 s).</summary>
public readonly record struct ClaimOptions(int? Limit = null, int? Ttl = null, int? Grace = null);
