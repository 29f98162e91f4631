using System.Text;
using Marconi.Http.Hosting;
using Marconi.Http.Telemetry;

namespace Marconi.Http.Api;

/// <summary>GET /metrics: the collector's totals as Prometheus text. Outside the Zaqar API, so no Client-ID or project.</summary>
internal static class MetricsEndpoint
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Write(HttpRequest request, HttpResponse response, MetricsCollector metrics)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            ErrorResponses.Write(response, new ApiException(405, ErrorTitles.MethodNotAllowed, $"The method {request.Method} is not allowed on /metrics.")
            {
                Header = new("Allow", "GET, HEAD"),
            });
            JsonResponse.Finish(response);
            return;
        }

        response.AddHeader("Content-Type", ContentType);
        var text = metrics.RenderPrometheus();
        var span = response.Body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        response.Body.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
