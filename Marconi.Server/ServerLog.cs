using System.Net;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning,
        Message = "auth.strategy is noauth and the server listens on {Endpoint}, which is not a loopback address: anyone who can reach it can act for any project by sending X-Project-ID. Use the keystone strategy (see --help) for shared networks.")]
    public static partial void NoAuthExposed(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Stopping: no new connections; finishing the requests in flight (at most {DrainSeconds} s)")]
    public static partial void Stopping(ILogger logger, double drainSeconds);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Stopped: the store committed and closed")]
    public static partial void Stopped(ILogger logger);
}
