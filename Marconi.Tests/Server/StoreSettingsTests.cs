using Marconi.Server;
using Marconi.Tests.Support;

namespace Marconi.Tests.Server;

/// <summary>
/// <c>--store</c> / <c>MARCONI_STORE</c> / <c>"store"</c>: the comma form becomes a parseable URI, the Redis factory
/// reads credentials and options from either form, bad URIs are settings errors (exit 2) that never print a password,
/// and <c>--print-config</c> masks every password.
/// </summary>
public sealed class StoreSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new("store-settings");
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("redis://127.0.0.1:6379", "redis://127.0.0.1:6379")]
    [InlineData("redis://127.0.0.1:6379,password=a&b,ssl=true", "redis://127.0.0.1:6379/?password=a%26b&ssl=true")]
    [InlineData("redis://h:1/?ssl=true", "redis://h:1/?ssl=true")]
    [InlineData("file:///srv/a,b", "file:///srv/a,b")]
    public void Comma_options_move_into_the_query(string text, string expected) =>
        Assert.Equal(expected, StoreUriText.Normalize(text));

    [Theory]
    [InlineData("redis://:s3cret@h:1", "redis://:***@h:1")]
    [InlineData("redis://user:s3cret@h:1/?ssl=true", "redis://user:***@h:1/?ssl=true")]
    [InlineData("redis://h:1,password=s3cret,ssl=true", "redis://h:1,password=***,ssl=true")]
    [InlineData("redis://h:1/?ssl=true&PASSWORD=s3cret", "redis://h:1/?ssl=true&PASSWORD=***")]
    [InlineData("file:///srv/marconi", "file:///srv/marconi")]
    public void Masking_hides_every_password(string text, string expected) =>
        Assert.Equal(expected, StoreUriText.Mask(text));

    [Fact]
    public void Credentials_and_options_come_from_either_form()
    {
        var (fromQuery, queryOptions) = RedisStoreFactory.Parse(new Uri(StoreUriText.Normalize("redis://127.0.0.1:7000,password=p,connectTimeout=1234,prefix=tenant-a")));
        Assert.Equal("p", fromQuery.Password);
        Assert.Equal(1234, fromQuery.ConnectTimeout);
        Assert.Equal("tenant-a", queryOptions.KeyPrefix);
        Assert.Equal("127.0.0.1:7000", Assert.Single(fromQuery.EndPoints).ToString());

        // A password with a comma or an '@' fits only the URI form, percent-encoded.
        var (fromUserInfo, userInfoOptions) = RedisStoreFactory.Parse(new Uri("redis://ops:a%2Cb%40c@127.0.0.1:7001/?ssl=true"));
        Assert.Equal("ops", fromUserInfo.User);
        Assert.Equal("a,b@c", fromUserInfo.Password);
        Assert.True(fromUserInfo.Ssl);
        Assert.Equal("marconi", userInfoOptions.KeyPrefix);
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6379,bogus=1,password=hunter2", "bogus")]
    [InlineData("redis://:hunter2@127.0.0.1:6379/0", "no path")]
    [InlineData("redis://127.0.0.1:6379,prefix=a{b},password=hunter2", "prefix")]
    [InlineData("redis://127.0.0.1:6379,sentinel,password=hunter2", "neither name=value nor HOST:PORT")]
    [InlineData("mongodb://127.0.0.1:27017", "No driver")]
    [InlineData("not a uri", "not a valid store URI")]
    [InlineData("file://relative/dir", "file:///absolute/path")]
    public void Bad_store_uris_are_settings_errors_without_the_password(string uri, string reason)
    {
        var error = Assert.Throws<SettingsException>(() => Load("--store", uri));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bare_host_port_items_add_endpoints()
    {
        var (configuration, _) = RedisStoreFactory.Parse(new Uri(StoreUriText.Normalize("redis://10.0.0.1:26379,10.0.0.2:26379,[::1]:26379,serviceName=mymaster")));

        Assert.Equal(["10.0.0.1:26379", "10.0.0.2:26379", "[::1]:26379"], configuration.EndPoints.Select(e => e.ToString()));
        Assert.Equal("mymaster", configuration.ServiceName);
    }

    [Fact]
    public void Command_line_wins_over_environment_which_wins_over_the_file()
    {
        var config = Path.Combine(_directory.Path, "config.json");
        File.WriteAllText(config, """{"store": "redis://file-host:1"}""");
        _environment[SettingsLoader.ConfigVariable] = config;
        Assert.Equal("redis://file-host:1", Load().Store);

        _environment[SettingsLoader.StoreVariable] = "redis://env-host:2,password=x";
        Assert.Equal("redis://env-host:2/?password=x", Load().Store);

        Assert.Equal("redis://line-host:3", Load("--store", "redis://line-host:3").Store);
    }

    [Fact]
    public void Without_a_store_the_server_uses_faster_in_the_data_dir()
    {
        var settings = Load("--data-dir", _directory.Path);

        Assert.Null(settings.Store);
        Assert.Contains("\"store\": null", ConfigPrinter.Render(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_masks_the_store_password()
    {
        var rendered = ConfigPrinter.Render(Load("--store", "redis://admin:hunter2@127.0.0.1:6379,password=hunter3,connectTimeout=500"));

        Assert.Contains("\"store\": \"redis://admin:***@127.0.0.1:6379/?password=***&connectTimeout=500\"", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter", rendered, StringComparison.Ordinal);
    }

    private ServerSettings Load(params string[] args) =>
        SettingsLoader.Load(args, name => _environment.TryGetValue(name, out var value) ? value : null);
}
