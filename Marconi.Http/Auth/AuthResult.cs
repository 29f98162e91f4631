namespace Marconi.Http.Auth;

/// <summary>
/// What an <see cref="IAuthenticator"/> decided: a project (from a token), "trust the X-Project-ID header" (noauth), or a
/// failure the API answers as Zaqar's <c>{"title", "description"}</c> error with the given status.
/// </summary>
public readonly record struct AuthResult
{
    private AuthResult(string? project, int failureStatus, string? title, string? description, string? challenge, bool isAdmin = false)
    {
        Project = project;
        IsAdmin = isAdmin;
        FailureStatus = failureStatus;
        FailureTitle = title;
        FailureDescription = description;
        Challenge = challenge;
    }

    /// <summary>Success without a project of its own: the request's X-Project-ID header is trusted as it is.</summary>
    public static AuthResult TrustHeader => default;

    /// <summary>The project the request acts for; null with <see cref="TrustHeader"/> or a failure.</summary>
    public string? Project { get; }

    /// <summary>
    /// True when a token says the caller has the <c>admin</c> role (Keystone). Always false with
    /// <see cref="TrustHeader"/>: under noauth the request's own X-Roles header says it (see <see cref="AdminGate"/>).
    /// </summary>
    public bool IsAdmin { get; }

    /// <summary>The HTTP status of a failure (401, 403, 503); 0 on success.</summary>
    public int FailureStatus { get; }

    /// <summary>The error title of a failure.</summary>
    public string? FailureTitle { get; }

    /// <summary>The error description of a failure.</summary>
    public string? FailureDescription { get; }

    /// <summary>The <c>WWW-Authenticate</c> value to answer with a failure, or null for none.</summary>
    public string? Challenge { get; }

    /// <summary>True unless this is a failure.</summary>
    public bool Succeeded => FailureStatus == 0;

    /// <summary>Success: the request acts for <paramref name="project"/>, whatever its X-Project-ID says.</summary>
    /// <param name="project">The token's project.</param>
    /// <param name="isAdmin">True when the token carries the <c>admin</c> role.</param>
    public static AuthResult ForProject(string project, bool isAdmin = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(project);
        return new AuthResult(project, 0, null, null, null, isAdmin);
    }

    /// <summary>A failure answered with <paramref name="status"/> (at least 400).</summary>
    public static AuthResult Fail(int status, string title, string description, string? challenge = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentException.ThrowIfNullOrEmpty(title);
        ArgumentException.ThrowIfNullOrEmpty(description);
        return new AuthResult(null, status, title, description, challenge);
    }
}
