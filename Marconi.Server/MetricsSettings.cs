using System.Net;

namespace Marconi.Server;

/// <summary>Whether /metrics is served and where statsd pushes go.</summary>
internal sealed record MetricsSettings
{
    public const int DefaultStatsdIntervalSeconds = 10;

    /// <summary>Serve Prometheus text at /metrics (on by default).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The statsd server to push to over UDP, or null for none.</summary>
    public IPEndPoint? Statsd { get; init; }

    public int StatsdIntervalSeconds { get; init; } = DefaultStatsdIntervalSeconds;
}
