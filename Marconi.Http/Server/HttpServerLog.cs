using System.Net;
using Microsoft.Extensions.Logging;

namespace Marconi.Http.Server;

/// <summary>The server's log messages (source-generated, so disabled levels cost nothing).</summary>
internal static partial class HttpServerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Connection limit {Limit} reached; refusing {Remote}")]
    public static partial void ConnectionRefused(ILogger logger, int limit, EndPoint? remote);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The handler failed on {Method} {Path}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Bad request from {Remote}: {Status} {Reason}")]
    public static partial void BadRequest(ILogger logger, EndPoint? remote, int status, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Connection from {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Accepting a connection failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "{Count} connection(s) still busy after the drain period; aborting them")]
    public static partial void DrainTimedOut(ILogger logger, int count);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "The handler's response could not be framed on {Method} {Path}")]
    public static partial void InvalidResponse(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error, Message = "A connection failed unexpectedly")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception);
}
