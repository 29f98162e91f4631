using Marconi.Http.Api.Routing;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>One validated request as the endpoints see it.</summary>
internal sealed class ApiContext
{
    private readonly Guid? _clientId;
    private string? _queuePath;

    public ApiContext(HttpRequest request, HttpResponse response, RouteMatch route, string project, Guid? clientId, CancellationToken cancellationToken)
    {
        Request = request;
        Response = response;
        Route = route;
        Project = project;
        _clientId = clientId;
        CancellationToken = cancellationToken;
        Query = QueryString.Parse(request.QueryMemory);
    }

    public HttpRequest Request { get; }

    public HttpResponse Response { get; }

    public RouteMatch Route { get; }

    public ApiVersion Version => Route.Version;

    public bool IsV2 => Route.Version == ApiVersion.V2;

    public bool IsV1 => Route.Version == ApiVersion.V1;

    public string Project { get; }

    /// <summary>
    /// The Client-ID of the request. v1.1 and v2 require it on every request (checked before the endpoint runs); v1
    /// only where Zaqar's v1 resources read it (posting and listing messages), so a missing one is a 400 here.
    /// </summary>
    public Guid ClientId => _clientId ?? throw HeaderRules.MissingClientId();

    public CancellationToken CancellationToken { get; }

    public QueryString Query { get; }

    /// <summary>The queue name of the route (validated before the endpoint runs).</summary>
    public string Queue => Route.Queue ?? throw new InvalidOperationException("The route has no queue.");

    /// <summary>The message or claim id of the route.</summary>
    public string ResourceId => Route.ResourceId ?? throw new InvalidOperationException("The route has no resource id.");

    /// <summary>The request path with its query, as Zaqar's v1 answers it in <c>Content-Location</c>.</summary>
    public string RelativeUri => Request.Query.Length == 0 ? Request.Path : Request.Path + "?" + Request.Query;

    /// <summary><c>/v2/queues</c>, <c>/v1.1/queues</c> or <c>/v1/queues</c>.</summary>
    public string QueuesPath => RouteTable.Prefix(Version) + "/queues";

    /// <summary><c>/v2/queues/{queue}</c>.</summary>
    public string QueuePath => _queuePath ??= QueuesPath + "/" + Queue;

    /// <summary>The href of a message, with <c>?claim_id=</c> when a claim holds it.</summary>
    public string MessageHref(string id, string? claimId)
    {
        var href = new HrefBuilder(stackalloc char[256]);
        AppendMessageHref(ref href, id, claimId);
        var text = href.ToString();
        href.Dispose();
        return text;
    }

    /// <summary>Writes <c>/v2/queues/{queue}</c> without making a string.</summary>
    public void AppendQueuePath(ref HrefBuilder href)
    {
        href.Append(RouteTable.Prefix(Version));
        href.Append("/queues/");
        href.Append(Queue);
    }

    /// <summary>Writes the href of a message (see <see cref="MessageHref"/>) without making a string.</summary>
    public void AppendMessageHref(ref HrefBuilder href, string id, string? claimId)
    {
        AppendQueuePath(ref href);
        href.Append("/messages/");
        href.Append(id);
        if (claimId is not null)
        {
            href.Append("?claim_id=");
            href.AppendEscaped(claimId);
        }
    }
}
