using Marconi.Http.Hosting;

namespace Marconi.Http.Auth;

/// <summary>
/// The one admin check of the API, Zaqar's <c>role:admin</c> policy: under a token strategy (Keystone) the token's
/// roles include <c>admin</c>; under noauth, whose requests are trusted to say who they are, the X-Roles header (the
/// comma-separated roles keystonemiddleware would set) includes <c>admin</c>. Requests carrying URL-Signature are
/// never admin. Admin endpoints exist only in admin mode (<see cref="Api.ZaqarApiOptions.AdminMode"/>); this decides
/// who may call them there.
/// </summary>
public static class AdminGate
{
    /// <summary>The role that makes a caller an admin (matched without regard to case, as oslo.policy does).</summary>
    public const string AdminRole = "admin";

    /// <summary>The title of the 403 a non-admin gets (Zaqar's policy failure).</summary>
    public const string ForbiddenTitle = "Not authorized";

    /// <summary>The description of that 403.</summary>
    public const string ForbiddenDescription = "You are not authorized to complete this action.";

    /// <summary>True when the request may call admin endpoints.</summary>
    /// <param name="request">The request (its X-Roles header is read under noauth).</param>
    /// <param name="auth">What the authenticator decided; null for a request authorised by its URL-Signature.</param>
    public static bool IsAdmin(HttpRequest request, AuthResult? auth)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (auth is not { Succeeded: true } result)
        {
            return false;
        }

        if (result.Project is not null)
        {
            return result.IsAdmin;
        }

        return request.TryGetHeader("X-Roles", out var roles) && HasRole(roles, AdminRole);
    }

    /// <summary>True when the comma-separated <paramref name="roles"/> include <paramref name="role"/>.</summary>
    public static bool HasRole(ReadOnlySpan<char> roles, string role)
    {
        foreach (var range in roles.Split(','))
        {
            if (roles[range].Trim().Equals(role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
