using System.Net;
using Marconi.Core;
using Marconi.Http.Server;
using Marconi.Server;
using Marconi.Tests.Support;

namespace Marconi.Tests.Server;

/// <summary>
/// The server's settings as <see cref="SettingsLoader.Load"/> merges them: command line over environment over config
/// file over defaults, and every rejection of a bad option, file or limit (a <see cref="SettingsException"/>, exit code 2).
/// </summary>
public sealed class SettingsLoaderTests : IDisposable
{
    private readonly TempDirectory _directory = new("settings");
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Defaults_apply_without_any_source()
    {
        var settings = Load();

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 8888)], settings.Listen);
        Assert.Equal(ServerSettings.DefaultDataDir, settings.DataDir);
        Assert.Null(settings.TlsCert);
        Assert.Null(settings.TlsKey);
        Assert.Null(settings.SignedUrlKey);
        Assert.Equal(QueueLimits.Default, settings.Limits);
        Assert.False(settings.ShowHelp);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help_is_reported_without_reading_other_sources(string option)
    {
        _environment[SettingsLoader.ConfigVariable] = Path.Combine(_directory.Path, "missing.json");

        Assert.True(Load(option).ShowHelp);
    }

    [Fact]
    public void Listen_is_repeatable_and_takes_the_equals_form()
    {
        var settings = Load("--listen", "127.0.0.1:1", "--listen=[::1]:2", "--data-dir=/srv/queues");

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.IPv6Loopback, 2)], settings.Listen);
        Assert.Equal("/srv/queues", settings.DataDir);
    }

    [Fact]
    public void Command_line_wins_over_environment_which_wins_over_the_file()
    {
        var config = Config("""{"listen": ["127.0.0.1:3"], "dataDir": "from-file", "signedUrlKey": "file-key"}""");
        var keyFile = Write("key.txt", "line-key\n");
        _environment[SettingsLoader.ListenVariable] = "127.0.0.1:2, 127.0.0.1:22";
        _environment[SettingsLoader.DataDirVariable] = "from-env";
        _environment[SettingsLoader.SignedUrlKeyVariable] = "env-key";

        var all = Load("--config", config, "--listen", "127.0.0.1:1", "--data-dir", "from-line", "--signed-url-key-file", keyFile);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 1)], all.Listen);
        Assert.Equal("from-line", all.DataDir);
        Assert.Equal("line-key", all.SignedUrlKey);

        var envAndFile = Load("--config", config);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 2), new IPEndPoint(IPAddress.Loopback, 22)], envAndFile.Listen);
        Assert.Equal("from-env", envAndFile.DataDir);
        Assert.Equal("env-key", envAndFile.SignedUrlKey);

        _environment.Clear();
        _environment[SettingsLoader.ConfigVariable] = config;
        var fileOnly = Load();
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 3)], fileOnly.Listen);
        Assert.Equal("from-file", fileOnly.DataDir);
        Assert.Equal("file-key", fileOnly.SignedUrlKey);
    }

    [Fact]
    public void An_empty_signed_url_key_is_not_set()
    {
        _environment[SettingsLoader.SignedUrlKeyVariable] = string.Empty;
        Assert.Null(Load("--config", Config("""{"signedUrlKey": ""}""")).SignedUrlKey);
        Assert.Equal("file-key", Load("--config", Config("""{"signedUrlKey": "file-key"}""")).SignedUrlKey);
    }

    [Theory]
    [InlineData("secret\n", "secret")]
    [InlineData("secret\r\n", "secret")]
    [InlineData("secret", "secret")]
    [InlineData(" spaced secret \n\n", " spaced secret \n")]
    public void The_key_file_loses_only_its_final_line_break(string content, string key)
    {
        Assert.Equal(key, Load("--signed-url-key-file", Write("key", content)).SignedUrlKey);
    }

    [Fact]
    public void An_empty_or_missing_key_file_is_an_error()
    {
        var empty = Write("empty-key", "\n");
        Assert.Contains("is empty", Fails("--signed-url-key-file", empty), StringComparison.Ordinal);

        var missing = Path.Combine(_directory.Path, "no-key");
        Assert.Contains(missing, Fails("--signed-url-key-file", missing), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("--signed-url-key=secret")]
    [InlineData("extra")]
    public void Unknown_options_are_rejected(string option)
    {
        Assert.Contains($"Unknown option '{option}'", Fails(option), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--listen")]
    [InlineData("--data-dir", "--listen", "127.0.0.1:1")]
    [InlineData("--config=")]
    [InlineData("--tls-cert")]
    [InlineData("--signed-url-key-file")]
    public void An_option_without_its_value_is_rejected(params string[] args)
    {
        var option = args[0].TrimEnd('=');
        Assert.Equal($"Option {option} needs a value.", Fails(args));
    }

    [Fact]
    public void Tls_needs_both_files_and_they_must_exist()
    {
        var cert = Write("cert.pem", "not checked here");
        Assert.Equal("--tls-cert and --tls-key must be given together.", Fails("--tls-cert", cert));
        Assert.Equal("--tls-cert and --tls-key must be given together.", Fails("--tls-key", cert));

        var missing = Path.Combine(_directory.Path, "key.pem");
        Assert.Equal($"TLS file '{missing}' does not exist.", Fails("--tls-cert", cert, "--tls-key", missing));

        var settings = Load("--tls-cert", cert, "--tls-key", cert);
        Assert.Equal(cert, settings.TlsCert);
    }

    [Theory]
    [InlineData("{\"listen\": ", "Cannot read config file")]
    [InlineData("[\"127.0.0.1:1\"]", "must hold a JSON object")]
    [InlineData("{\"port\": 1}", "unknown key 'port'")]
    [InlineData("{\"listen\": 8888}", "'listen' has the wrong type")]
    [InlineData("{\"listen\": [\"127.0.0.1:1\", 2]}", "'listen' has the wrong type")]
    [InlineData("{\"dataDir\": 1}", "'dataDir' has the wrong type")]
    [InlineData("{\"signedUrlKey\": [\"k\"]}", "'signedUrlKey' has the wrong type")]
    [InlineData("{\"limits\": 20}", "'limits' must be a JSON object")]
    public void A_bad_config_file_is_rejected(string content, string expected)
    {
        Assert.Contains(expected, Fails("--config", Config(content)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_file_is_rejected()
    {
        var missing = Path.Combine(_directory.Path, "missing.json");
        _environment[SettingsLoader.ConfigVariable] = missing;

        Assert.StartsWith($"Cannot read config file '{missing}'", Fails(), StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed_and_null_means_unset()
    {
        var settings = Load("--config", Config("""
            {
              // where the store lives
              "dataDir": null,
              "listen": "127.0.0.1:5",
            }
            """));

        Assert.Equal(ServerSettings.DefaultDataDir, settings.DataDir);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5)], settings.Listen);
    }

    [Fact]
    public void A_limits_object_sets_every_queue_limit()
    {
        var settings = Load("--config", Config("""
            {"limits": {
              "maxQueueNameLength": 100, "maxProjectIdLength": 101, "maxQueueMetadataSize": 102, "maxMessagesPostSize": 103,
              "maxPageSize": 50, "defaultPageSize": 25, "maxMessagesPerClaimOrPop": 40, "defaultClaimLimit": 30,
              "maxIdsPerRequest": 60, "minMessageTtl": 1, "maxMessageTtl": 86400, "defaultMessageTtl": 7200,
              "maxMessageDelay": 0, "minClaimTtl": 2, "maxClaimTtl": 600, "defaultClaimTtl": 120,
              "minClaimGrace": 3, "maxClaimGrace": 900, "defaultClaimGrace": 30,
              "minSubscriptionTtl": 61, "defaultSubscriptionTtl": 62, "maxSubscriptionsPerPage": 63, "defaultSubscriptionPageSize": 4
            }}
            """));

        var expected = new QueueLimits
        {
            MaxQueueNameLength = 100,
            MaxProjectIdLength = 101,
            MaxQueueMetadataSize = 102,
            MaxMessagesPostSize = 103,
            MaxPageSize = 50,
            DefaultPageSize = 25,
            MaxMessagesPerClaimOrPop = 40,
            DefaultClaimLimit = 30,
            MaxIdsPerRequest = 60,
            MinMessageTtl = 1,
            MaxMessageTtl = 86400,
            DefaultMessageTtl = 7200,
            MaxMessageDelay = 0,
            MinClaimTtl = 2,
            MaxClaimTtl = 600,
            DefaultClaimTtl = 120,
            MinClaimGrace = 3,
            MaxClaimGrace = 900,
            DefaultClaimGrace = 30,
            MinSubscriptionTtl = 61,
            DefaultSubscriptionTtl = 62,
            MaxSubscriptionsPerPage = 63,
            DefaultSubscriptionPageSize = 4,
        };
        Assert.Equal(expected, settings.Limits);
    }

    [Fact]
    public void Limits_not_named_keep_their_defaults()
    {
        var settings = Load("--config", Config("""{"limits": {"maxPageSize": 50}}"""));

        Assert.Equal(QueueLimits.Default with { MaxPageSize = 50 }, settings.Limits);
    }

    [Fact]
    public void Every_limit_key_is_listed_in_the_help_with_its_default()
    {
        var usage = Usage.Text();
        foreach (var key in LimitKey.All)
        {
            Assert.Matches($@"\n\s+{key.Name}\s+{key.Get(QueueLimits.Default)}\r?\n", usage);
        }

        Assert.Contains(SettingsLoader.SignedUrlKeyVariable, usage, StringComparison.Ordinal);
        Assert.Contains("--signed-url-key-file", usage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_body_cap_follows_the_limits_and_defaults_to_the_http_servers()
    {
        Assert.Equal(new HttpServerOptions().MaxRequestBodySize, ApiWiring.MaxRequestBodySize(QueueLimits.Default));
        Assert.Equal(1_000_000 + 8_192, ApiWiring.MaxRequestBodySize(QueueLimits.Default with { MaxMessagesPostSize = 1_000_000 }));
        Assert.Equal(2_000_000 + 8_192, ApiWiring.MaxRequestBodySize(QueueLimits.Default with { MaxQueueMetadataSize = 2_000_000 }));
    }

    [Theory]
    [InlineData("maxPageSize", "1.5")]
    [InlineData("maxPageSize", "\"20\"")]
    [InlineData("maxPageSize", "null")]
    [InlineData("maxPageSize", "true")]
    [InlineData("maxPageSize", "[20]")]
    [InlineData("maxMessageTtl", "3000000000")]
    public void A_limit_that_is_not_an_integer_is_rejected(string key, string value)
    {
        Assert.Contains($"'limits.{key}' must be an integer, not {value}.", FailsWithLimits($$"""{"{{key}}": {{value}}}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_limit_is_rejected_with_the_known_ones()
    {
        var message = FailsWithLimits("""{"maxPageSize": 20, "maxPagesize": 20}""");

        Assert.Contains("unknown key 'limits.maxPagesize'", message, StringComparison.Ordinal);
        Assert.Contains("maxQueueNameLength", message, StringComparison.Ordinal);
        Assert.Contains("defaultClaimGrace", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_limit_but_the_delay_must_be_at_least_1()
    {
        foreach (var key in LimitKey.All)
        {
            var minimum = key.Name == "maxMessageDelay" ? 0 : 1;
            Assert.Equal(minimum, key.Minimum);
            Assert.Contains(
                $"'limits.{key.Name}' must be at least {minimum}, not {minimum - 1}.",
                FailsWithLimits($$"""{"{{key.Name}}": {{minimum - 1}}}"""),
                StringComparison.Ordinal);
        }

        Assert.Equal(0, Load("--config", Config("""{"limits": {"maxMessageDelay": 0}}""")).Limits.MaxMessageDelay);
    }

    [Theory]
    [InlineData("""{"minMessageTtl": 600, "maxMessageTtl": 300}""", "'limits.minMessageTtl' (600) is greater than 'limits.maxMessageTtl' (300).")]
    [InlineData("""{"minClaimTtl": 100, "maxClaimTtl": 99}""", "'limits.minClaimTtl' (100) is greater than 'limits.maxClaimTtl' (99).")]
    [InlineData("""{"minClaimGrace": 61, "maxClaimGrace": 60}""", "'limits.minClaimGrace' (61) is greater than 'limits.maxClaimGrace' (60).")]
    [InlineData("""{"minSubscriptionTtl": 7200}""", "'limits.minSubscriptionTtl' (7200) is greater than 'limits.defaultSubscriptionTtl' (3600).")]
    [InlineData("""{"maxSubscriptionsPerPage": 5}""", "'limits.defaultSubscriptionPageSize' (10) is greater than 'limits.maxSubscriptionsPerPage' (5).")]
    [InlineData("""{"maxMessageTtl": 1000}""", "'limits.defaultMessageTtl' (3600) must lie between 'limits.minMessageTtl' (60) and 'limits.maxMessageTtl' (1000).")]
    [InlineData("""{"defaultMessageTtl": 59}""", "'limits.defaultMessageTtl' (59) must lie between 'limits.minMessageTtl' (60) and 'limits.maxMessageTtl' (1209600).")]
    [InlineData("""{"defaultClaimTtl": 43201}""", "'limits.defaultClaimTtl' (43201) must lie between 'limits.minClaimTtl' (60) and 'limits.maxClaimTtl' (43200).")]
    [InlineData("""{"minClaimGrace": 120}""", "'limits.defaultClaimGrace' (60) must lie between 'limits.minClaimGrace' (120) and 'limits.maxClaimGrace' (43200).")]
    [InlineData("""{"defaultPageSize": 21}""", "'limits.defaultPageSize' (21) is greater than 'limits.maxPageSize' (20).")]
    [InlineData("""{"maxMessagesPerClaimOrPop": 5}""", "'limits.defaultClaimLimit' (10) is greater than 'limits.maxMessagesPerClaimOrPop' (5).")]
    public void Inconsistent_limits_are_rejected(string limits, string expected)
    {
        Assert.Contains(expected, FailsWithLimits(limits), StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_shows_the_merged_settings_with_secrets_masked()
    {
        _environment[SettingsLoader.SignedUrlKeyVariable] = "env-signing-secret";
        _environment["MARCONI_KEYSTONE_SERVICE_TOKEN"] = "env-service-token";
        var config = Config("""{"dataDir": "/srv/q", "limits": {"maxPageSize": 50}, "auth": {"strategy": "keystone", "keystoneUrl": "http://127.0.0.1:5000/v3"}}""");

        var settings = Load("--config", config, "--listen", "127.0.0.1:9000", "--print-config");
        var printed = ConfigPrinter.Render(settings);

        Assert.True(settings.PrintConfig);
        Assert.DoesNotContain("env-signing-secret", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("env-service-token", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("env-signing-secret", settings.ToString(), StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(printed);
        var root = document.RootElement;
        Assert.Equal("127.0.0.1:9000", root.GetProperty("listen")[0].GetString());
        Assert.Equal("/srv/q", root.GetProperty("dataDir").GetString());
        Assert.Equal(ConfigPrinter.Masked, root.GetProperty("signedUrlKey").GetString());
        Assert.Equal(50, root.GetProperty("limits").GetProperty("maxPageSize").GetInt32());
        Assert.Equal(QueueLimits.Default.MaxQueueNameLength, root.GetProperty("limits").GetProperty("maxQueueNameLength").GetInt32());
        Assert.Equal("keystone", root.GetProperty("auth").GetProperty("strategy").GetString());
        Assert.Equal(ConfigPrinter.Masked, root.GetProperty("auth").GetProperty("serviceToken").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("auth").GetProperty("servicePassword").ValueKind);
    }

    [Fact]
    public void Printed_config_loads_back_to_the_same_settings()
    {
        var first = Load("--config", Config("""{"listen": ["127.0.0.1:9001", "[::1]:9002"], "limits": {"maxMessagesPostSize": 131072}}"""));

        var printed = ConfigPrinter.Render(first);
        var second = Load("--config", Config(printed));

        Assert.Equal(printed, ConfigPrinter.Render(second));
        Assert.Equal(first.Limits, second.Limits);
        Assert.Equal(first.Listen, second.Listen);
    }

    private ServerSettings Load(params string[] args) => SettingsLoader.Load(args, name => _environment.GetValueOrDefault(name));

    private string Fails(params string[] args) => Assert.Throws<SettingsException>(() => Load(args)).Message;

    private string FailsWithLimits(string limits)
    {
        var path = Config($$"""{"limits": {{limits}}}""");
        var message = Fails("--config", path);
        Assert.StartsWith($"Config file '{path}': ", message, StringComparison.Ordinal);
        return message;
    }

    private string Config(string json) => Write($"config-{Guid.NewGuid():N}.json", json);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory.Path, name);
        File.WriteAllText(path, content);
        return path;
    }
}
