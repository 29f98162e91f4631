namespace Marconi.Benchmarks.Soak;

/// <summary>What one soak window measured: the load tool's answer for the window, then the server's RSS and disk.</summary>
/// <param name="Index">0-based window number.</param>
/// <param name="EndSeconds">Seconds since the soak phase began, at the end of the window.</param>
/// <param name="RequestsPerSecond">Successful load requests per second in the window (all roles).</param>
/// <param name="PacedRequestsPerSecond">Of those, the producers' and the observer's: what --rate paces.</param>
/// <param name="P50Ms">Median latency of the window's posts.</param>
/// <param name="P99Ms">99th percentile latency of the window's posts.</param>
/// <param name="ClaimP99Ms">99th percentile latency of the window's claims.</param>
/// <param name="Errors">Request errors the load tool counted in the window.</param>
/// <param name="RssBytes">The server's VmRSS after the window.</param>
/// <param name="DiskBytes">Bytes of every file under the data directory after the window.</param>
public sealed record SoakWindow(int Index, double EndSeconds, double RequestsPerSecond, double PacedRequestsPerSecond, double P50Ms, double P99Ms, double ClaimP99Ms, long Errors, long RssBytes, long DiskBytes);
