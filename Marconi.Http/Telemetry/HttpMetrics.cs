using System.Diagnostics.Metrics;
using System.Globalization;

namespace Marconi.Http.Telemetry;

/// <summary>The HTTP adapter's instruments, on the <see cref="MeterName"/> meter.</summary>
public static class HttpMetrics
{
    /// <summary>The name of the HTTP adapter's meter.</summary>
    public const string MeterName = "Marconi.Http";

    private static readonly Meter Meter = new(MeterName);

    // Tag values come from these fixed sets, so a client cannot create series (or allocate) by sending odd input.
    private static readonly string[] StatusLabels = Enumerable.Range(0, 600).Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] KnownMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    /// <summary>How long the API took to answer each request, by route, method and status, in seconds.</summary>
    public static readonly Histogram<double> RequestDuration =
        Meter.CreateHistogram<double>("marconi.http.request.duration", "s", "How long the API took to answer a request, by route, method and status.");

    internal static void RecordRequest(string route, string method, int status, double seconds)
    {
        if (!RequestDuration.Enabled)
        {
            return;
        }

        var methodLabel = Array.IndexOf(KnownMethods, method) >= 0 ? method : "other";
        var statusLabel = (uint)status < (uint)StatusLabels.Length ? StatusLabels[status] : "other";
        RequestDuration.Record(
            seconds,
            new KeyValuePair<string, object?>("route", route),
            new KeyValuePair<string, object?>("method", methodLabel),
            new KeyValuePair<string, object?>("status", statusLabel));
    }
}
