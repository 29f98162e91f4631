using System.Net;

namespace Marconi.Client;

/// <summary>The server answered with an error status; <see cref="Title"/> and <see cref="Description"/> come from its JSON error body.</summary>
public class MarconiApiException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    public MarconiApiException(HttpStatusCode status, string title, string description)
        : base($"{(int)status} {title}: {description}")
    {
        Status = status;
        Title = title;
        Description = description;
    }

    /// <summary>The HTTP status the server answered.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The error body's <c>title</c> (the reason phrase when the body has none).</summary>
    public string Title { get; }

    /// <summary>The error body's <c>description</c> (empty when the body has none, as some Zaqar errors).</summary>
    public string Description { get; }
}

/// <summary>404: the message, claim or subscription does not exist (queues themselves answer as empty, not 404).</summary>
public sealed class MarconiNotFoundException(string title, string description)
    : MarconiApiException(HttpStatusCode.NotFound, title, description);

/// <summary>409: a conflicting change, such as a JSON-patch replace of a metadata key that does not exist.</summary>
public sealed class MarconiConflictException(string title, string description)
    : MarconiApiException(HttpStatusCode.Conflict, title, description);
