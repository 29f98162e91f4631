namespace Marconi.Core.Model;

/// <summary>
/// The reserved (<c>_</c>-prefixed) metadata keys of a queue that change how the engine treats it. Null means unset:
/// the engine's default applies.
/// </summary>
public sealed record QueueSettings
{
    /// <summary>No reserved key set.</summary>
    public static QueueSettings None { get; } = new();

    /// <summary><c>_max_messages_post_size</c>: most bytes of message bodies in one post.</summary>
    public int? MaxMessagesPostSize { get; init; }

    /// <summary><c>_default_message_ttl</c>: ttl of messages posted without one, in seconds.</summary>
    public int? DefaultMessageTtl { get; init; }

    /// <summary><c>_default_message_delay</c>: delay of messages posted without one, in seconds.</summary>
    public int? DefaultMessageDelay { get; init; }

    /// <summary><c>_max_claim_count</c>: claims a message may receive before it goes to the dead-letter queue.</summary>
    public int? MaxClaimCount { get; init; }

    /// <summary><c>_dead_letter_queue</c>: where messages claimed too often go.</summary>
    public string? DeadLetterQueue { get; init; }

    /// <summary><c>_dead_letter_queue_messages_ttl</c>: ttl a message gets when moved to the dead-letter queue, in seconds.</summary>
    public int? DeadLetterQueueMessagesTtl { get; init; }

    /// <summary>True when claimed-too-often messages go to a dead-letter queue.</summary>
    public bool HasDeadLetterQueue => MaxClaimCount is > 0 && DeadLetterQueue is not null;
}
