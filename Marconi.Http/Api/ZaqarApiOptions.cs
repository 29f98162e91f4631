using Marconi.Core.Model;
using Marconi.Http.Auth;

namespace Marconi.Http.Api;

/// <summary>Limits and choices of the Zaqar API handler; nulls take the engine's limits.</summary>
public sealed record ZaqarApiOptions
{
    /// <summary>Largest request body of a message post, in bytes (the whole JSON document); null takes the engine's post size limit (262144).</summary>
    public int? MaxMessagesPostSize { get; init; }

    /// <summary>Largest request body of a queue create or metadata patch, in bytes; null takes the engine's metadata limit (65536).</summary>
    public int? MaxQueueMetadataSize { get; init; }

    /// <summary>When message posts are acknowledged relative to reaching disk; durable by default.</summary>
    public WriteDurability PostDurability { get; init; } = WriteDurability.Durable;

    /// <summary>
    /// The secret that signs and verifies pre-signed URLs (Zaqar's <c>[signed_url] secret_key</c>). When null, as in
    /// Zaqar without a key, <c>POST /v2/queues/{q}/share</c> answers 400 and every request carrying a
    /// <c>URL-Signature</c> answers 404.
    /// </summary>
    public string? SignedUrlSecretKey { get; init; }

    /// <summary>
    /// Who a request acts for: null (or <see cref="NoAuthAuthenticator"/>) trusts X-Project-ID; a
    /// <see cref="KeystoneAuthenticator"/> takes the project from the X-Auth-Token. Requests carrying URL-Signature
    /// skip it and are authorised by their signature.
    /// </summary>
    public IAuthenticator? Authenticator { get; init; }

    /// <summary>
    /// The collector whose totals <c>GET /metrics</c> answers as Prometheus text (no auth headers needed), or null to
    /// not serve <c>/metrics</c> (404).
    /// </summary>
    public Telemetry.MetricsCollector? Metrics { get; init; }

    /// <summary>
    /// Zaqar's <c>admin_mode</c>: serve the admin endpoints at all. Off (the default), they answer 404 like any unknown
    /// route; on, each call also needs an admin (<see cref="AdminGate"/>), else 403.
    /// </summary>
    public bool AdminMode { get; init; }

    /// <summary>
    /// The pool and flavor catalog behind <c>/v2/pools</c> and <c>/v2/flavors</c> (Zaqar's <c>pooling</c>), or null
    /// without pooling; those endpoints are served only in <see cref="AdminMode"/> with a catalog, as in Zaqar.
    /// </summary>
    public IPoolAdministration? Pools { get; init; }

    /// <summary>
    /// The access log: one Information event per request (method, path without its query, status, response body
    /// bytes, duration, project, client id), or null for none. When null a request pays one null check for it.
    /// </summary>
    public Microsoft.Extensions.Logging.ILogger? AccessLog { get; init; }
}
