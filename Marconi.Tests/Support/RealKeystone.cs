using System.Net;
using System.Text;
using System.Text.Json;

namespace Marconi.Tests.Support;

/// <summary>The real Keystone on 127.0.0.1:5000 that <c>interop/keystone/run.sh</c> starts and bootstraps.</summary>
internal static class RealKeystone
{
    public static readonly Uri Url = new("http://127.0.0.1:5000/v3");

    private const int LoginAttempts = 3;

    /// <summary>The bootstrap admin's password (interop/keystone/run.sh uses the same default).</summary>
    public static string AdminPassword => Environment.GetEnvironmentVariable("MARCONI_KEYSTONE_ADMIN_PASSWORD") is { Length: > 0 } p ? p : "marconi-admin-secret";

    /// <summary>A new project-scoped token for <paramref name="user"/> (default domain) and its project id; fails the test when Keystone is missing or refuses.</summary>
    public static async Task<(string Token, string Project)> LoginAsync(HttpClient http, string user, string password, string project)
    {
        var body = JsonSerializer.Serialize(new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name = user, domain = new { id = "default" }, password } } },
                scope = new { project = new { name = project, domain = new { id = "default" } } },
            },
        });
        HttpResponseMessage? response = null;
        for (var attempt = 1; response is null; attempt++)
        {
            try
            {
                response = await http.PostAsync(new Uri(Url + "/auth/tokens"), new StringContent(body, Encoding.UTF8, "application/json"));
            }
            catch (HttpRequestException) when (attempt < LoginAttempts)
            {
                // Keystone's single-threaded development server dropped a connection once in a CI run while other test
                // classes used it: a login is safe to repeat, a few times, before calling Keystone missing.
                await Task.Delay(500);
            }
            catch (HttpRequestException ex)
            {
                Assert.Fail($"No Keystone on {Url} after {attempt} attempts ({ex.Message}). Install and start it with: apt-get install -y keystone && interop/keystone/run.sh");
                throw;
            }
        }

        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"Keystone refused the login of {user} ({(int)response.StatusCode}); was it bootstrapped by interop/keystone/run.sh?");
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.Headers.GetValues("X-Subject-Token").Single(), document.RootElement.GetProperty("token").GetProperty("project").GetProperty("id").GetString()!);
        }
    }
}
