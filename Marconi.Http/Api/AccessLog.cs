using System.Diagnostics;
using Marconi.Http.Hosting;
using Microsoft.Extensions.Logging;

namespace Marconi.Http.Api;

/// <summary>
/// The access log line of a request. The query string is never logged: pre-signed URLs carry their signature, expiry
/// and paths there, and a logged signature would let anyone reading the log replay the request.
/// </summary>
internal static partial class AccessLog
{
    /// <summary>Logs a finished request; the caller calls it only when an access log is configured.</summary>
    public static void Write(ILogger logger, HttpRequest request, HttpResponse response, long startedTimestamp)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var durationMs = Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        var clientId = response.ClientId?.ToString() ?? "-";
        Request(logger, request.Method, request.Path, response.StatusCode, response.Body.WrittenCount, durationMs, response.Project ?? "-", clientId);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "{Method} {Path} {Status} {Bytes} bytes {DurationMs:F3} ms project={Project} client={ClientId}")]
    private static partial void Request(ILogger logger, string method, string path, int status, int bytes, double durationMs, string project, string clientId);
}
