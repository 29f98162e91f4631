namespace Marconi.Core.Errors;

/// <summary>What went wrong, in terms an adapter can map to a response without parsing text.</summary>
public enum QueueErrorKind
{
    /// <summary>A request argument is malformed or out of range (HTTP 400).</summary>
    InvalidArgument,

    /// <summary>A size or count limit was exceeded; <see cref="QueueException.Limit"/> names it (HTTP 400, or 413 for sizes).</summary>
    LimitExceeded,

    /// <summary>The queue, message or claim does not exist in this project (HTTP 404).</summary>
    NotFound,

    /// <summary>The request conflicts with the current state (HTTP 409).</summary>
    Conflict,

    /// <summary>The message is claimed and the request carried no claim id (HTTP 403).</summary>
    ClaimRequired,

    /// <summary>The claim id given does not hold the message, or has expired (HTTP 400).</summary>
    ClaimMismatch,

    /// <summary>The storage could not make the change durable; nothing was acknowledged (HTTP 503).</summary>
    StorageUnavailable,
}
