using System.Buffers;
using System.Text;
using Marconi.Http.Hosting;

namespace Marconi.Tests.Http.Server;

/// <summary>
/// A handler with fixed behaviours chosen by path: echo (default) answers "METHOD PATH?QUERY|BODY", /big answers 4 KiB,
/// /throw throws, /status/NNN answers that status, /slow waits for <see cref="SlowGate"/>.
/// </summary>
internal sealed class TestHandler : IHttpHandler
{
    public TaskCompletionSource SlowGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask HandleAsync(HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        response.AddHeader("Content-Type", "text/plain; charset=UTF-8");
        switch (request.Path)
        {
            case "/big":
                response.Body.Write(Encoding.ASCII.GetBytes(new string('x', 4096)));
                return;
            case "/throw":
                throw new InvalidOperationException("handler bug");
            case "/slow":
                SlowStarted.TrySetResult();
                await SlowGate.Task.WaitAsync(cancellationToken);
                response.Body.Write("slow done"u8);
                return;
        }

        if (request.Path.StartsWith("/status/", StringComparison.Ordinal))
        {
            response.StatusCode = int.Parse(request.Path["/status/".Length..]);
            response.Body.Write("ignored"u8);
            return;
        }

        var text = $"{request.Method} {request.Path}?{request.Query}|";
        response.Body.Write(Encoding.UTF8.GetBytes(text));
        response.Body.Write(request.Body.Span);
    }
}
