using Marconi.Http.Api.Routing;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>One validated request as the endpoints see it.</summary>
internal sealed class ApiContext
{
    public ApiContext(HttpRequest request, HttpResponse response, RouteMatch route, string project, Guid clientId, CancellationToken cancellationToken)
    {
        Request = request;
        Response = response;
        Route = route;
        Project = project;
        ClientId = clientId;
        CancellationToken = cancellationToken;
        Query = QueryString.Parse(request.Query);
    }

    public HttpRequest Request { get; }

    public HttpResponse Response { get; }

    public RouteMatch Route { get; }

    public ApiVersion Version => Route.Version;

    public bool IsV2 => Route.Version == ApiVersion.V2;

    public string Project { get; }

    public Guid ClientId { get; }

    public CancellationToken CancellationToken { get; }

    public QueryString Query { get; }

    /// <summary>The queue name of the route (validated before the endpoint runs).</summary>
    public string Queue => Route.Queue ?? throw new InvalidOperationException("The route has no queue.");

    /// <summary>The message or claim id of the route.</summary>
    public string ResourceId => Route.ResourceId ?? throw new InvalidOperationException("The route has no resource id.");

    /// <summary><c>/v2/queues</c> or <c>/v1.1/queues</c>.</summary>
    public string QueuesPath => RouteTable.Prefix(Version) + "/queues";

    /// <summary><c>/v2/queues/{queue}</c>.</summary>
    public string QueuePath => QueuesPath + "/" + Queue;

    /// <summary>The href of a message, with <c>?claim_id=</c> when a claim holds it.</summary>
    public string MessageHref(string id, string? claimId) =>
        claimId is null ? $"{QueuePath}/messages/{id}" : $"{QueuePath}/messages/{id}?claim_id={Uri.EscapeDataString(claimId)}";
}
