using Marconi.Core;
using Marconi.Http.Api;
using Marconi.Http.Hosting;

namespace Marconi.Server;

/// <summary>Builds the request handler the server runs: the Zaqar v2 API over the engine.</summary>
internal static class ApiWiring
{
    public static IHttpHandler CreateHandler(QueueEngine engine) => new ZaqarApiHandler(engine, new ZaqarApiOptions());
}
