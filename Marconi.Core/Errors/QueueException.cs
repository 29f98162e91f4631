namespace Marconi.Core.Errors;

/// <summary>The one exception type the engine throws for outcomes a caller must handle.</summary>
/// <remarks>
/// Adapters switch on <see cref="Kind"/>; <see cref="Field"/> and <see cref="Limit"/> say which input and which bound
/// were involved, so an error response can name them without string parsing.
/// </remarks>
public sealed class QueueException : Exception
{
    /// <summary>Creates an error of the given kind.</summary>
    public QueueException(QueueErrorKind kind, string message, string? field = null, long? limit = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Field = field;
        Limit = limit;
    }

    /// <summary>Creates an invalid-argument error without details (for serializers and tooling).</summary>
    public QueueException()
        : this(QueueErrorKind.InvalidArgument, "Invalid request.")
    {
    }

    /// <summary>Creates an invalid-argument error with a message.</summary>
    public QueueException(string message)
        : this(QueueErrorKind.InvalidArgument, message)
    {
    }

    /// <summary>Creates an invalid-argument error with a message and a cause.</summary>
    public QueueException(string message, Exception innerException)
        : this(QueueErrorKind.InvalidArgument, message, null, null, innerException)
    {
    }

    /// <summary>What kind of failure this is.</summary>
    public QueueErrorKind Kind { get; }

    /// <summary>The request field at fault, when there is one (for example <c>ttl</c> or <c>metadata</c>).</summary>
    public string? Field { get; }

    /// <summary>The bound that was crossed, for <see cref="QueueErrorKind.LimitExceeded"/> and range errors.</summary>
    public long? Limit { get; }
}
