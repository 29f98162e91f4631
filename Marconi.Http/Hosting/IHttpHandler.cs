namespace Marconi.Http.Hosting;

/// <summary>Answers requests. The server calls it once per request; it must not throw for bad input (answer 4xx instead).</summary>
public interface IHttpHandler
{
    /// <summary>Fills <paramref name="response"/> for <paramref name="request"/>.</summary>
    ValueTask HandleAsync(HttpRequest request, HttpResponse response, CancellationToken cancellationToken);
}
