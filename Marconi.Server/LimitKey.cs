using Marconi.Core;

namespace Marconi.Server;

/// <summary>
/// One configurable <see cref="QueueLimits"/> property: its config-file key (under "limits"), how to read it and how
/// to set it. The table is written out by hand so the mapping stays explicit (no reflection).
/// </summary>
internal sealed record LimitKey(string Name, Func<QueueLimits, int> Get, Func<QueueLimits, int, QueueLimits> Set, int Minimum = 1)
{
    /// <summary>Every key, in the order of <see cref="QueueLimits"/>.</summary>
    public static IReadOnlyList<LimitKey> All { get; } =
    [
        new("maxQueueNameLength", l => l.MaxQueueNameLength, (l, v) => l with { MaxQueueNameLength = v }),
        new("maxProjectIdLength", l => l.MaxProjectIdLength, (l, v) => l with { MaxProjectIdLength = v }),
        new("maxQueueMetadataSize", l => l.MaxQueueMetadataSize, (l, v) => l with { MaxQueueMetadataSize = v }),
        new("maxMessagesPostSize", l => l.MaxMessagesPostSize, (l, v) => l with { MaxMessagesPostSize = v }),
        new("maxPageSize", l => l.MaxPageSize, (l, v) => l with { MaxPageSize = v }),
        new("defaultPageSize", l => l.DefaultPageSize, (l, v) => l with { DefaultPageSize = v }),
        new("maxMessagesPerClaimOrPop", l => l.MaxMessagesPerClaimOrPop, (l, v) => l with { MaxMessagesPerClaimOrPop = v }),
        new("defaultClaimLimit", l => l.DefaultClaimLimit, (l, v) => l with { DefaultClaimLimit = v }),
        new("maxIdsPerRequest", l => l.MaxIdsPerRequest, (l, v) => l with { MaxIdsPerRequest = v }),
        new("minMessageTtl", l => l.MinMessageTtl, (l, v) => l with { MinMessageTtl = v }),
        new("maxMessageTtl", l => l.MaxMessageTtl, (l, v) => l with { MaxMessageTtl = v }),
        new("defaultMessageTtl", l => l.DefaultMessageTtl, (l, v) => l with { DefaultMessageTtl = v }),

        // 0 turns delayed messages off; every other limit needs at least 1 to leave anything usable.
        new("maxMessageDelay", l => l.MaxMessageDelay, (l, v) => l with { MaxMessageDelay = v }, Minimum: 0),
        new("minClaimTtl", l => l.MinClaimTtl, (l, v) => l with { MinClaimTtl = v }),
        new("maxClaimTtl", l => l.MaxClaimTtl, (l, v) => l with { MaxClaimTtl = v }),
        new("defaultClaimTtl", l => l.DefaultClaimTtl, (l, v) => l with { DefaultClaimTtl = v }),
        new("minClaimGrace", l => l.MinClaimGrace, (l, v) => l with { MinClaimGrace = v }),
        new("maxClaimGrace", l => l.MaxClaimGrace, (l, v) => l with { MaxClaimGrace = v }),
        new("defaultClaimGrace", l => l.DefaultClaimGrace, (l, v) => l with { DefaultClaimGrace = v }),
        new("minSubscriptionTtl", l => l.MinSubscriptionTtl, (l, v) => l with { MinSubscriptionTtl = v }),
        new("defaultSubscriptionTtl", l => l.DefaultSubscriptionTtl, (l, v) => l with { DefaultSubscriptionTtl = v }),
        new("maxSubscriptionsPerPage", l => l.MaxSubscriptionsPerPage, (l, v) => l with { MaxSubscriptionsPerPage = v }),
        new("defaultSubscriptionPageSize", l => l.DefaultSubscriptionPageSize, (l, v) => l with { DefaultSubscriptionPageSize = v }),
    ];
}
