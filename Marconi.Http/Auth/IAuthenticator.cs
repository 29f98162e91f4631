using Marconi.Http.Hosting;

namespace Marconi.Http.Auth;

/// <summary>
/// Decides who a request acts for, before the Zaqar API serves it. The API runs it on every request except those
/// carrying <c>URL-Signature</c>: a pre-signed URL authorises its own queue, paths and methods (Zaqar's
/// <c>SignedHeadersAuth</c>), checked against the signature instead.
/// </summary>
public interface IAuthenticator
{
    /// <summary>
    /// Authenticates one request. Implementations should answer synchronously (a completed task, no allocation) when
    /// they can, for example from a cache: the API awaits this on every request.
    /// </summary>
    /// <param name="request">The request; only its headers are read.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes or the server stops.</param>
    /// <returns>The project the request acts for, <see cref="AuthResult.TrustHeader"/>, or a failure to answer.</returns>
    ValueTask<AuthResult> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken);
}
