using Marconi.Http.Hosting;

namespace Marconi.Http.Auth;

/// <summary>
/// The <c>noauth</c> strategy (Zaqar's default without <c>auth_strategy</c>): every request is trusted to name its own
/// project in X-Project-ID. Meant for local use; anyone who can reach the port can act for any project.
/// </summary>
public sealed class NoAuthAuthenticator : IAuthenticator
{
    /// <summary>The one instance (it has no state).</summary>
    public static NoAuthAuthenticator Instance { get; } = new();

    private NoAuthAuthenticator()
    {
    }

    /// <inheritdoc />
    public ValueTask<AuthResult> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken) => new(AuthResult.TrustHeader);
}
