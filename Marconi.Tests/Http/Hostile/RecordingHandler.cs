using System.Collections.Concurrent;
using Marconi.Http.Hosting;

namespace Marconi.Tests.Http.Hostile;

/// <summary>Passes every request on to the real handler and remembers "METHOD PATH", so a test can prove a smuggled request never got through.</summary>
internal sealed class RecordingHandler : IHttpHandler
{
    private readonly IHttpHandler _inner;

    public RecordingHandler(IHttpHandler inner) => _inner = inner;

    public ConcurrentQueue<string> Seen { get; } = new();

    public ValueTask HandleAsync(HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        Seen.Enqueue($"{request.Method} {request.Path}");
        return _inner.HandleAsync(request, response, cancellationToken);
    }
}
