namespace Marconi.Core;

/// <summary>
/// The bounds the engine enforces. Defaults are OpenStack Zaqar 15's, so clients written for Zaqar meet the same limits here.
/// </summary>
public sealed record QueueLimits
{
    // Declared before Default: static initializers run in text order.
    private static readonly string[] DefaultSubscriberTypes = ["http", "https", "mailto", "trust+http", "trust+https"];

    /// <summary>The defaults (Zaqar 15's).</summary>
    public static QueueLimits Default { get; } = new();

    /// <summary>Longest queue name, in characters.</summary>
    public int MaxQueueNameLength { get; init; } = 64;

    /// <summary>Longest project (tenant) id, in characters.</summary>
    public int MaxProjectIdLength { get; init; } = 256;

    /// <summary>Largest queue metadata document, in bytes of JSON.</summary>
    public int MaxQueueMetadataSize { get; init; } = 64 * 1024;

    /// <summary>Largest total size of the message bodies of one post, in bytes (a queue's <c>_max_messages_post_size</c> may lower it).</summary>
    public int MaxMessagesPostSize { get; init; } = 256 * 1024;

    /// <summary>Most queues or messages on one page of a listing.</summary>
    public int MaxPageSize { get; init; } = 20;

    /// <summary>Page size when the caller names none.</summary>
    public int DefaultPageSize { get; init; } = 10;

    /// <summary>Most messages one claim or one pop takes.</summary>
    public int MaxMessagesPerClaimOrPop { get; init; } = 20;

    /// <summary>Claim size when the caller names none.</summary>
    public int DefaultClaimLimit { get; init; } = 10;

    /// <summary>Most message ids one get-many or delete-many names.</summary>
    public int MaxIdsPerRequest { get; init; } = 20;

    /// <summary>Shortest message ttl, in seconds.</summary>
    public int MinMessageTtl { get; init; } = 60;

    /// <summary>Longest message ttl, in seconds (14 days).</summary>
    public int MaxMessageTtl { get; init; } = 1_209_600;

    /// <summary>Message ttl when neither the message nor the queue names one, in seconds.</summary>
    public int DefaultMessageTtl { get; init; } = 3600;

    /// <summary>Longest delay before a posted message becomes visible, in seconds.</summary>
    public int MaxMessageDelay { get; init; } = 900;

    /// <summary>Shortest claim ttl, in seconds.</summary>
    public int MinClaimTtl { get; init; } = 60;

    /// <summary>Longest claim ttl, in seconds (12 hours).</summary>
    public int MaxClaimTtl { get; init; } = 43_200;

    /// <summary>Claim ttl when the caller names none, in seconds.</summary>
    public int DefaultClaimTtl { get; init; } = 300;

    /// <summary>Shortest claim grace, in seconds.</summary>
    public int MinClaimGrace { get; init; } = 60;

    /// <summary>Longest claim grace, in seconds.</summary>
    public int MaxClaimGrace { get; init; } = 43_200;

    /// <summary>Claim grace when the caller names none, in seconds.</summary>
    public int DefaultClaimGrace { get; init; } = 60;

    /// <summary>Shortest subscription ttl, in seconds.</summary>
    public int MinSubscriptionTtl { get; init; } = 60;

    /// <summary>Subscription ttl when the caller names none, in seconds.</summary>
    public int DefaultSubscriptionTtl { get; init; } = 3600;

    /// <summary>Most subscriptions on one page of a listing.</summary>
    public int MaxSubscriptionsPerPage { get; init; } = 20;

    /// <summary>Subscription page size when the caller names none.</summary>
    public int DefaultSubscriptionPageSize { get; init; } = 10;

    /// <summary>URI schemes a subscriber may use (Zaqar's <c>subscriber_types</c>), lowercase.</summary>
    /// <remarks>Shared by default, so two limits that keep the default compare equal (records compare lists by reference).</remarks>
    public IReadOnlyList<string> SubscriberTypes { get; init; } = DefaultSubscriberTypes;
}
