namespace Marconi.Http.Api.Routing;

/// <summary>The API versions served.</summary>
internal enum ApiVersion
{
    /// <summary>Not versioned: only <c>GET /</c>.</summary>
    None,

    /// <summary>Zaqar v1 (1.0).</summary>
    V1,

    /// <summary>Zaqar v1.1.</summary>
    V1_1,

    /// <summary>Zaqar v2.</summary>
    V2,
}

/// <summary>The resources the API serves.</summary>
internal enum RouteKind
{
    Versions,
    Home,
    Ping,
    Health,
    Queues,
    Queue,
    QueueStats,
    QueueMetadata,
    QueuePurge,
    QueueShare,
    Messages,
    Message,
    Claims,
    Claim,
    Subscriptions,
    Subscription,
    SubscriptionConfirm,
    Pools,
    Pool,
    Flavors,
    Flavor,
    Stats,
}

/// <summary>A matched route: the resource, the version and the path parameters.</summary>
internal readonly record struct RouteMatch(RouteKind Kind, ApiVersion Version, string? Queue, string? ResourceId, string[] AllowedMethods);

/// <summary>The static route table: templates per version, matched segment by segment (no reflection, no regex).</summary>
internal static class RouteTable
{
    private static readonly Route[] Routes =
    [
        new(RouteKind.Home, "", All, ["GET"]),
        new(RouteKind.Ping, "ping", Both, ["GET", "HEAD"]),
        new(RouteKind.Health, "health", Both, ["GET"]),
        new(RouteKind.Health, "health", V1Only, ["GET", "HEAD"]),
        new(RouteKind.Queues, "queues", All, ["GET"]),
        new(RouteKind.Queue, "queues/{queue}", V2Only, ["GET", "PUT", "PATCH", "DELETE"]),
        new(RouteKind.Queue, "queues/{queue}", V11Only, ["GET", "PUT", "DELETE"]),
        new(RouteKind.Queue, "queues/{queue}", V1Only, ["GET", "HEAD", "PUT", "DELETE"]),
        new(RouteKind.QueueStats, "queues/{queue}/stats", All, ["GET"]),
        new(RouteKind.QueueMetadata, "queues/{queue}/metadata", V1Only, ["GET", "PUT"]),
        new(RouteKind.QueuePurge, "queues/{queue}/purge", V2Only, ["POST"]),
        new(RouteKind.QueueShare, "queues/{queue}/share", V2Only, ["POST"]),
        new(RouteKind.Messages, "queues/{queue}/messages", All, ["GET", "POST", "DELETE"]),
        new(RouteKind.Message, "queues/{queue}/messages/{id}", All, ["GET", "DELETE"]),
        new(RouteKind.Claims, "queues/{queue}/claims", All, ["POST"]),
        new(RouteKind.Claim, "queues/{queue}/claims/{id}", All, ["GET", "PATCH", "DELETE"]),
        new(RouteKind.Subscriptions, "queues/{queue}/subscriptions", V2Only, ["GET", "POST"]),
        new(RouteKind.Subscription, "queues/{queue}/subscriptions/{id}", V2Only, ["GET", "PATCH", "DELETE"]),
        new(RouteKind.SubscriptionConfirm, "queues/{queue}/subscriptions/{id}/confirm", V2Only, ["PUT"]),
        new(RouteKind.Stats, "stats", V2Only, ["GET"]),

        // Admin resources: served only in admin mode with pooling on (ZaqarApiHandler answers 404 otherwise).
        new(RouteKind.Pools, "pools", V2Only, ["GET"]),
        new(RouteKind.Pool, "pools/{id}", V2Only, ["GET", "HEAD", "PUT", "PATCH", "DELETE"]),
        new(RouteKind.Flavors, "flavors", V2Only, ["GET"]),
        new(RouteKind.Flavor, "flavors/{id}", V2Only, ["GET", "PUT", "PATCH", "DELETE"]),
    ];

    /// <summary>True for the admin resources (pools and flavors).</summary>
    public static bool IsAdmin(RouteKind kind) => kind is RouteKind.Pools or RouteKind.Pool or RouteKind.Flavors or RouteKind.Flavor;

    private const int V2Only = 1;
    private const int V11Only = 2;
    private const int V1Only = 4;
    private const int Both = V2Only | V11Only;
    private const int All = Both | V1Only;

    /// <summary>The path prefix of a version (<c>/v2</c>, <c>/v1.1</c>, <c>/v1</c>).</summary>
    public static string Prefix(ApiVersion version) => version switch
    {
        ApiVersion.V1 => "/v1",
        ApiVersion.V1_1 => "/v1.1",
        _ => "/v2",
    };

    /// <summary>Finds the route of a path; false when no resource lives there (404).</summary>
    public static bool TryMatch(ReadOnlySpan<char> path, out RouteMatch match) => TryMatch(path, null, out match);

    /// <summary>
    /// Finds the route of a path without splitting it into strings; the queue name comes from <paramref name="names"/>
    /// (shared strings) when given, the resource id is made as a string. False when no resource lives there (404).
    /// </summary>
    public static bool TryMatch(ReadOnlySpan<char> path, NameCache? names, out RouteMatch match)
    {
        match = default;
        if (path.IsEmpty || path is "/")
        {
            match = new RouteMatch(RouteKind.Versions, ApiVersion.None, null, null, VersionsMethods);
            return true;
        }

        // The longest template has 5 segments after the version; one more slot tells a deeper path apart.
        Span<Range> segments = stackalloc Range[MaxSegments + 1];
        var count = path.Split(segments, '/');
        if (count > MaxSegments)
        {
            return false;
        }

        if (count > 2 && path[segments[count - 1]].IsEmpty)
        {
            count--; // one trailing slash is allowed
        }

        if (!path[segments[0]].IsEmpty || count < 2)
        {
            return false;
        }

        var version = path[segments[1]] switch
        {
            "v2" => ApiVersion.V2,
            "v1.1" => ApiVersion.V1_1,
            "v1" => ApiVersion.V1,
            _ => ApiVersion.None,
        };
        if (version == ApiVersion.None)
        {
            return false;
        }

        var rest = segments[2..count];
        var flag = version switch
        {
            ApiVersion.V2 => V2Only,
            ApiVersion.V1_1 => V11Only,
            _ => V1Only,
        };
        foreach (var route in Routes)
        {
            if ((route.Versions & flag) != 0 && route.TryMatch(path, rest, out var queue, out var id))
            {
                var queueName = route.HasQueue ? names?.Get(path[queue]) ?? new string(path[queue]) : null;
                var resourceId = route.HasId ? new string(path[id]) : null;
                match = new RouteMatch(route.Kind, version, queueName, resourceId, route.Methods);
                return true;
            }
        }

        return false;
    }

    // "", version, then at most 5 template segments ("queues/{queue}/subscriptions/{id}/confirm"), then a trailing "".
    private const int MaxSegments = 8;

    private static readonly string[] VersionsMethods = ["GET"];

    private sealed class Route
    {
        private readonly string[] _segments;

        public Route(RouteKind kind, string template, int versions, string[] methods)
        {
            Kind = kind;
            Versions = versions;
            Methods = methods;
            _segments = template.Length == 0 ? [] : template.Split('/');
            HasQueue = Array.IndexOf(_segments, "{queue}") >= 0;
            HasId = Array.IndexOf(_segments, "{id}") >= 0;
        }

        public RouteKind Kind { get; }

        public int Versions { get; }

        public string[] Methods { get; }

        public bool HasQueue { get; }

        public bool HasId { get; }

        /// <summary>Matches the segments <paramref name="segments"/> of <paramref name="path"/>; the parameters come back as ranges of the path.</summary>
        public bool TryMatch(ReadOnlySpan<char> path, ReadOnlySpan<Range> segments, out Range queue, out Range id)
        {
            queue = default;
            id = default;
            if (segments.Length != _segments.Length)
            {
                return false;
            }

            for (var i = 0; i < _segments.Length; i++)
            {
                var template = _segments[i];
                switch (template)
                {
                    case "{queue}":
                        queue = segments[i];
                        break;
                    case "{id}":
                        id = segments[i];
                        break;
                    default:
                        if (!path[segments[i]].SequenceEqual(template))
                        {
                            return false;
                        }

                        break;
                }
            }

            return true;
        }
    }
}
