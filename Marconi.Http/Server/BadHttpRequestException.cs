using System.Diagnostics.CodeAnalysis;

namespace Marconi.Http.Server;

/// <summary>A request the server refuses before it reaches the handler; the connection answers <see cref="StatusCode"/> and closes.</summary>
internal sealed class BadHttpRequestException : Exception
{
    public BadHttpRequestException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public BadHttpRequestException()
        : this(400, "Bad request.")
    {
    }

    public BadHttpRequestException(string message)
        : this(400, message)
    {
    }

    public BadHttpRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
    }

    /// <summary>The status to answer: 400, 413, 415, 417, 431 or 501.</summary>
    public int StatusCode { get; }

    // Throw helpers keep the parsers' hot paths small and let the compiler see that parsing stops here.
    [DoesNotReturn]
    public static void Throw(int statusCode, string message) => throw new BadHttpRequestException(statusCode, message);

    [DoesNotReturn]
    public static void BadRequest(string message) => throw new BadHttpRequestException(400, message);

    [DoesNotReturn]
    public static void HeadersTooLarge(string message) => throw new BadHttpRequestException(431, message);

    [DoesNotReturn]
    public static void BodyTooLarge(long limit) =>
        throw new BadHttpRequestException(413, $"The request body is larger than the limit of {limit} bytes.");
}
