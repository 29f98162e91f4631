using Marconi.Http.Api.Routing;

namespace Marconi.Http.Api;

/// <summary>The route names request metrics are tagged with: one fixed string per resource, never the raw path.</summary>
internal static class RouteLabels
{
    public const string Unmatched = "unmatched";

    private static readonly string[] Labels =
    [
        "versions", "home", "ping", "health", "queues", "queue", "queue_stats", "queue_metadata", "queue_purge",
        "queue_share", "messages", "message", "claims", "claim", "subscriptions", "subscription", "subscription_confirm",
        "pools", "pool", "flavors", "flavor", "stats",
    ];

    public static string Of(RouteKind kind) => Labels[(int)kind];
}
