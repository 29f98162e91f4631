using System.Net;
using Marconi.Core;

namespace Marconi.Server;

/// <summary>What the server runs with, after command line, environment and config file are merged.</summary>
internal sealed record ServerSettings
{
    public const string DefaultListen = "127.0.0.1:8888";
    public const string DefaultDataDir = "./marconi-data";

    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    public required string DataDir { get; init; }

    /// <summary>The store URI (normalized, see <see cref="StoreUriText"/>), or null for the embedded FASTER store in <see cref="DataDir"/>.</summary>
    public string? Store { get; init; }

    /// <summary>PEM certificate file, or null for plain HTTP.</summary>
    public string? TlsCert { get; init; }

    /// <summary>PEM private key file (required with <see cref="TlsCert"/>).</summary>
    public string? TlsKey { get; init; }

    /// <summary>The secret that signs and verifies pre-signed URLs, or null to refuse them (as Zaqar does without one).</summary>
    public string? SignedUrlKey { get; init; }

    /// <summary>The limits and defaults the engine and the API enforce.</summary>
    public QueueLimits Limits { get; init; } = QueueLimits.Default;

    /// <summary>The authentication strategy and its settings (noauth by default).</summary>
    public AuthSettings Auth { get; init; } = new();

    /// <summary>Whether /metrics is served and where statsd pushes go.</summary>
    public MetricsSettings Metrics { get; init; } = new();

    /// <summary>
    /// Zaqar's <c>admin_mode</c>: serve the admin endpoints (pools, flavors) to callers with the admin role; without
    /// it they answer 404.
    /// </summary>
    public bool AdminMode { get; init; }

    /// <summary>
    /// Zaqar's <c>pooling</c>: queues are placed on the pools of the catalog (<c>pools-catalog.jsonl</c> in the data
    /// directory) and every request goes to its queue's pool; the server's own store holds queues without a pool.
    /// </summary>
    public bool Pooling { get; init; }

    /// <summary>Log format, level, access log and the optional file and syslog sinks.</summary>
    public LoggingSettings Logging { get; init; } = new();

    /// <summary>True when --help was asked for: print usage and exit.</summary>
    public bool ShowHelp { get; init; }

    /// <summary>True when --print-config was asked for: print the effective settings (secrets masked) and exit.</summary>
    public bool PrintConfig { get; init; }

    /// <summary>Never the secrets: a record's generated text would print every property.</summary>
    public override string ToString() => ConfigPrinter.Render(this);
}
