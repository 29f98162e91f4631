using Marconi.Http.Api;
using Marconi.Tests.Http.Api;

namespace Marconi.Tests.Support;

/// <summary>
/// Base of the tests of the admin pool and flavor API: a fresh <see cref="PoolingHarness"/> per test, its handler in
/// admin mode, and requests sent as an admin (noauth <c>X-Roles: admin</c>).
/// </summary>
public abstract class AdminPoolingTests : IAsyncLifetime
{
    private protected PoolingHarness Pools { get; private set; } = null!;

    private protected ZaqarApiHandler Handler { get; private set; } = null!;

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        Pools = await PoolingHarness.CreateAsync();
        Handler = Pools.Handler();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Pools.DisposeAsync();

    /// <summary>Sends a request to <see cref="Handler"/> as an admin.</summary>
    private protected Task<ApiResponse> SendAsync(string method, string path, string? body = null) =>
        PoolingHarness.SendAsync(Handler, method, path, body, headers: [("X-Roles", "admin")]);
}
