using System.Net;
using Marconi.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>Where and how the server logs: stdout always, a file and a syslog server when set.</summary>
internal sealed record LoggingSettings
{
    /// <summary>One line per event as text (default) or as a JSON object.</summary>
    public LogFormat Format { get; init; } = LogFormat.Plain;

    /// <summary>Events below this level are not logged (the access log excepted).</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary>One line per request (off by default).</summary>
    public bool AccessLog { get; init; }

    /// <summary>A file the same lines are appended to (created when missing), or null.</summary>
    public string? File { get; init; }

    /// <summary>A syslog server that gets every event as an RFC 5424 message over UDP, or null.</summary>
    public IPEndPoint? Syslog { get; init; }
}
