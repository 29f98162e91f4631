namespace Marconi.Http.Auth;

/// <summary>Keystone's answer about one token, as the authenticator acts on it.</summary>
internal readonly record struct TokenValidation(TokenStatus Status, string? Project, DateTimeOffset ExpiresAt, string Reason, bool IsAdmin = false)
{
    public static TokenValidation Valid(string project, DateTimeOffset expiresAt, bool isAdmin) => new(TokenStatus.Valid, project, expiresAt, string.Empty, isAdmin);

    public static TokenValidation Invalid(string reason) => new(TokenStatus.Invalid, null, default, reason);

    public static TokenValidation Unavailable(string reason) => new(TokenStatus.Unavailable, null, default, reason);
}

/// <summary>Valid (cache it), invalid (401) or undecided because Keystone could not be asked (503).</summary>
internal enum TokenStatus
{
    Valid,
    Invalid,
    Unavailable,
}
