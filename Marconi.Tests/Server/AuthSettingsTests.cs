using Marconi.Server;
using Marconi.Tests.Support;

namespace Marconi.Tests.Server;

/// <summary>The <c>"auth"</c> settings: defaults, precedence (flag > env > file, per key) and start-up validation naming the key.</summary>
public sealed class AuthSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new("auth-settings");
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Noauth_is_the_default()
    {
        var auth = Load().Auth;

        Assert.Equal(AuthSettings.NoAuth, auth.Strategy);
        Assert.Equal(300, auth.CacheSeconds);
        Assert.Null(auth.KeystoneUrl);
    }

    [Fact]
    public void Keystone_settings_come_from_the_file()
    {
        var config = Config("""
            {"auth": {"strategy": "keystone", "keystoneUrl": "http://127.0.0.1:5000/v3", "serviceUser": "marconi",
                      "servicePassword": "pw", "serviceProject": "service", "serviceDomain": "ops", "cacheSeconds": 60,
                      "cacheMaxEntries": 5, "timeoutSeconds": 2}}
            """);

        var auth = Load("--config", config).Auth;

        Assert.Equal(AuthSettings.Keystone, auth.Strategy);
        Assert.Equal(new Uri("http://127.0.0.1:5000/v3"), auth.KeystoneUrl);
        Assert.Equal(("marconi", "pw", "service", "ops"), (auth.ServiceUser, auth.ServicePassword, auth.ServiceProject, auth.ServiceDomain));
        Assert.Equal((60, 5, 2), (auth.CacheSeconds, auth.CacheMaxEntries, auth.TimeoutSeconds));
        Assert.Null(auth.ServiceToken);
    }

    [Fact]
    public void Flags_win_over_environment_which_wins_over_the_file_per_key()
    {
        var config = Config("""{"auth": {"strategy": "noauth", "keystoneUrl": "http://file:5000/v3", "serviceToken": "file-token", "cacheSeconds": 1}}""");
        _environment[AuthSettingsReader.StrategyVariable] = "keystone";
        _environment[AuthSettingsReader.KeystoneUrlVariable] = "http://env:5000/v3";
        _environment[AuthSettingsReader.ServiceTokenVariable] = "env-token";
        _environment[AuthSettingsReader.CacheSecondsVariable] = "2";

        var fromEnv = Load("--config", config).Auth;
        Assert.Equal((AuthSettings.Keystone, "http://env:5000/v3", "env-token", 2), (fromEnv.Strategy, fromEnv.KeystoneUrl!.OriginalString, fromEnv.ServiceToken, fromEnv.CacheSeconds));

        var fromLine = Load("--config", config, "--keystone-url", "http://line:5000/v3", "--auth-cache-seconds=0").Auth;
        Assert.Equal(("http://line:5000/v3", "env-token", 0), (fromLine.KeystoneUrl!.OriginalString, fromLine.ServiceToken, fromLine.CacheSeconds));

        Assert.Equal(AuthSettings.NoAuth, Load("--config", config, "--auth-strategy", "noauth").Auth.Strategy);
    }

    [Theory]
    [InlineData("""{"strategy": "basic"}""", "'auth.strategy'")]
    [InlineData("""{"strategy": "keystone", "serviceToken": "t"}""", "'auth.keystoneUrl' is required")]
    [InlineData("""{"strategy": "keystone", "keystoneUrl": "127.0.0.1:5000", "serviceToken": "t"}""", "'auth.keystoneUrl' must be")]
    [InlineData("""{"strategy": "keystone", "keystoneUrl": "ftp://127.0.0.1/v3", "serviceToken": "t"}""", "'auth.keystoneUrl' must be")]
    [InlineData("""{"strategy": "keystone", "keystoneUrl": "http://127.0.0.1:5000/v3"}""", "'auth.serviceUser' is required")]
    [InlineData("""{"strategy": "keystone", "keystoneUrl": "http://127.0.0.1:5000/v3", "serviceUser": "u", "servicePassword": "p"}""", "'auth.serviceProject' is required")]
    [InlineData("""{"cacheSeconds": -1}""", "'auth.cacheSeconds'")]
    [InlineData("""{"cacheSeconds": "soon"}""", "'auth.cacheSeconds'")]
    [InlineData("""{"cacheMaxEntries": 0}""", "'auth.cacheMaxEntries'")]
    [InlineData("""{"timeoutSeconds": 0}""", "'auth.timeoutSeconds'")]
    [InlineData("""{"strategy": ["keystone"]}""", "'auth.strategy' has the wrong type")]
    [InlineData("""{"keystoneURL": "x"}""", "'auth.keystoneURL'")]
    public void Bad_auth_settings_are_refused_naming_the_key(string auth, string expected)
    {
        var message = Assert.Throws<SettingsException>(() => Load("--config", Config($$"""{"auth": {{auth}}}"""))).Message;

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_strategy_flag_is_refused()
    {
        var message = Assert.Throws<SettingsException>(() => Load("--auth-strategy", "keystone")).Message;

        Assert.Contains("'auth.keystoneUrl'", message, StringComparison.Ordinal);
    }

    private ServerSettings Load(params string[] args) => SettingsLoader.Load(args, name => _environment.GetValueOrDefault(name));

    private string Config(string json)
    {
        var path = Path.Combine(_directory.Path, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
