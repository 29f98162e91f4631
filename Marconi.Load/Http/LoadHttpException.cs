namespace Marconi.Load.Http;

/// <summary>
/// A request that got no usable response. <see cref="Cause"/> is the short key the summary counts errors by:
/// <c>timeout</c>, <c>ResponseEnded</c> (the server closed the connection mid-response), <c>InvalidResponse</c> (bytes
/// that are not HTTP/1.x), <c>NotLoopback</c>; socket failures are reported as <c>ConnectionError/…</c> by the run.
/// </summary>
internal sealed class LoadHttpException(string cause, string message, Exception? inner = null) : Exception(message, inner)
{
    public const string Timeout = "timeout";
    public const string ResponseEnded = "ResponseEnded";
    public const string InvalidResponse = "InvalidResponse";
    public const string NotLoopback = "NotLoopback";

    /// <summary>The error's key in the summary.</summary>
    public string Cause { get; } = cause;
}
