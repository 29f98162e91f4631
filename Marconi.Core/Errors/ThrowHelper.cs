using System.Diagnostics.CodeAnalysis;

namespace Marconi.Core.Errors;

/// <summary>Throw sites kept out of line so the callers stay small and inlinable.</summary>
public static class ThrowHelper
{
    /// <summary>Throws <see cref="QueueErrorKind.InvalidArgument"/> naming <paramref name="field"/>.</summary>
    [DoesNotReturn]
    public static void InvalidArgument(string field, string message) =>
        throw new QueueException(QueueErrorKind.InvalidArgument, message, field);

    /// <summary>Throws <see cref="QueueErrorKind.InvalidArgument"/> for a value outside [min, max].</summary>
    [DoesNotReturn]
    public static void OutOfRange(string field, long value, long min, long max) =>
        throw new QueueException(
            QueueErrorKind.InvalidArgument,
            $"The value of '{field}' must be between {min} and {max}; got {value}.",
            field,
            value < min ? min : max);

    /// <summary>Throws <see cref="QueueErrorKind.LimitExceeded"/> naming the limit.</summary>
    [DoesNotReturn]
    public static void LimitExceeded(string field, long limit, string message) =>
        throw new QueueException(QueueErrorKind.LimitExceeded, message, field, limit);

    /// <summary>Throws <see cref="QueueErrorKind.NotFound"/>.</summary>
    [DoesNotReturn]
    public static void NotFound(string what) =>
        throw new QueueException(QueueErrorKind.NotFound, what);

    /// <summary>Throws <see cref="QueueErrorKind.Conflict"/>.</summary>
    [DoesNotReturn]
    public static void Conflict(string field, string message) =>
        throw new QueueException(QueueErrorKind.Conflict, message, field);

    /// <summary>Throws the <see cref="QueueErrorKind.Conflict"/> of a subscriber that already has a subscription on the queue.</summary>
    [DoesNotReturn]
    public static void SubscriberExists() =>
        Conflict("subscriber", "Such subscription already exists. Subscriptions are unique by project + queue + subscriber URI.");

    /// <summary>Throws <see cref="QueueErrorKind.ClaimRequired"/>.</summary>
    [DoesNotReturn]
    public static void ClaimRequired() =>
        throw new QueueException(
            QueueErrorKind.ClaimRequired,
            "This message is claimed; it cannot be deleted without a valid claim ID.",
            "claim_id");

    /// <summary>Throws <see cref="QueueErrorKind.ClaimMismatch"/>.</summary>
    [DoesNotReturn]
    public static void ClaimMismatch() =>
        throw new QueueException(
            QueueErrorKind.ClaimMismatch,
            "The specified claim does not exist, has expired, or does not hold this message.",
            "claim_id");

    /// <summary>Throws <see cref="QueueErrorKind.StorageUnavailable"/> wrapping the storage failure.</summary>
    [DoesNotReturn]
    public static void StorageUnavailable(string message, Exception? inner = null) =>
        throw new QueueException(QueueErrorKind.StorageUnavailable, message, null, null, inner);
}
