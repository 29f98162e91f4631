using System.Net;
using System.Text.Json;
using Marconi.Server;
using Marconi.Server.Logging;
using Marconi.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Marconi.Tests.Server;

/// <summary>
/// The <c>"logging"</c> and <c>"metrics"</c> sections: command line over environment over config file, each key on its
/// own; every bad value rejected at start-up naming its key; --print-config showing them in a form that loads back.
/// </summary>
public sealed class LoggingMetricsSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new("log-settings");
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Defaults_are_plain_information_no_access_log_no_sinks_and_metrics_on()
    {
        var settings = Load();

        Assert.Equal(LogFormat.Plain, settings.Logging.Format);
        Assert.Equal(LogLevel.Information, settings.Logging.Level);
        Assert.False(settings.Logging.AccessLog);
        Assert.Null(settings.Logging.File);
        Assert.Null(settings.Logging.Syslog);
        Assert.True(settings.Metrics.Enabled);
        Assert.Null(settings.Metrics.Statsd);
        Assert.Equal(MetricsSettings.DefaultStatsdIntervalSeconds, settings.Metrics.StatsdIntervalSeconds);
    }

    [Fact]
    public void The_config_file_sets_every_logging_and_metrics_key()
    {
        var logFile = Path.Combine(_directory.Path, "server.log");
        var config = Config($$"""
            {"logging": {"format": "json", "level": "warning", "accessLog": true, "file": "{{logFile}}", "syslog": "127.0.0.1:5514"},
             "metrics": {"enabled": false, "statsd": "127.0.0.1:8125", "statsdIntervalSeconds": 30} }
            """);

        var settings = Load("--config", config);

        Assert.Equal(LogFormat.Json, settings.Logging.Format);
        Assert.Equal(LogLevel.Warning, settings.Logging.Level);
        Assert.True(settings.Logging.AccessLog);
        Assert.Equal(logFile, settings.Logging.File);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5514), settings.Logging.Syslog);
        Assert.False(settings.Metrics.Enabled);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 8125), settings.Metrics.Statsd);
        Assert.Equal(30, settings.Metrics.StatsdIntervalSeconds);
    }

    [Fact]
    public void Command_line_wins_over_environment_which_wins_over_the_file_key_by_key()
    {
        var config = Config("""
            {"logging": {"format": "json", "level": "error", "accessLog": false},
             "metrics": {"enabled": true, "statsdIntervalSeconds": 30}}
            """);
        _environment[LoggingSettingsReader.LevelVariable] = "debug";
        _environment[LoggingSettingsReader.AccessLogVariable] = "on";
        _environment[MetricsSettingsReader.StatsdIntervalVariable] = "20";
        _environment[MetricsSettingsReader.EnabledVariable] = "off";

        var envAndFile = Load("--config", config);
        Assert.Equal(LogFormat.Json, envAndFile.Logging.Format);
        Assert.Equal(LogLevel.Debug, envAndFile.Logging.Level);
        Assert.True(envAndFile.Logging.AccessLog);
        Assert.False(envAndFile.Metrics.Enabled);
        Assert.Equal(20, envAndFile.Metrics.StatsdIntervalSeconds);

        var all = Load("--config", config, "--log-format", "plain", "--log-level", "trace", "--access-log", "off", "--metrics", "on", "--statsd-interval-seconds", "5");
        Assert.Equal(LogFormat.Plain, all.Logging.Format);
        Assert.Equal(LogLevel.Trace, all.Logging.Level);
        Assert.False(all.Logging.AccessLog);
        Assert.True(all.Metrics.Enabled);
        Assert.Equal(5, all.Metrics.StatsdIntervalSeconds);
    }

    [Theory]
    [InlineData("""{"logging": {"format": "xml"}}""", "'logging.format' must be 'plain' or 'json' (got 'xml').")]
    [InlineData("""{"logging": {"level": "loud"}}""", "'logging.level' must be one of trace, debug, information, warning, error, critical, none (got 'loud').")]
    [InlineData("""{"logging": {"accessLog": "maybe"}}""", "'logging.accessLog' must be true or false (on/off) (got 'maybe').")]
    [InlineData("""{"logging": {"accessLog": [true]}}""", "'logging.accessLog' has the wrong type (Array).")]
    [InlineData("""{"logging": {"syslog": "127.0.0.1"}}""", "'logging.syslog' must be HOST:PORT")]
    [InlineData("""{"logging": {"syslog": "127.0.0.1:0"}}""", "'logging.syslog' needs a port from 1 to 65535 (got '127.0.0.1:0').")]
    [InlineData("""{"logging": {"file": "/no/such/directory/server.log"}}""", "'logging.file' must name a file in an existing directory (got '/no/such/directory/server.log').")]
    [InlineData("""{"logging": {"colour": "red"}}""", "has an unknown key 'logging.colour' (known: format, level, accessLog, file, syslog).")]
    [InlineData("""{"logging": "json"}""", "'logging' must be an object.")]
    [InlineData("""{"metrics": {"enabled": "sometimes"}}""", "'metrics.enabled' must be true or false (on/off) (got 'sometimes').")]
    [InlineData("""{"metrics": {"statsdIntervalSeconds": 0}}""", "'metrics.statsdIntervalSeconds' must be an integer from 1 to 3600 (got '0').")]
    [InlineData("""{"metrics": {"statsdIntervalSeconds": 2.5}}""", "'metrics.statsdIntervalSeconds' must be an integer from 1 to 3600 (got '2.5').")]
    [InlineData("""{"metrics": {"statsd": "nowhere"}}""", "'metrics.statsd' must be HOST:PORT")]
    [InlineData("""{"metrics": {"push": true}}""", "has an unknown key 'metrics.push' (known: enabled, statsd, statsdIntervalSeconds).")]
    public void Bad_values_in_the_file_are_rejected_naming_the_key(string json, string expected)
    {
        var message = Assert.Throws<SettingsException>(() => Load("--config", Config(json))).Message;
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--log-format", "yaml", "'logging.format'")]
    [InlineData("--log-level", "verbose", "'logging.level'")]
    [InlineData("--access-log", "sometimes", "'logging.accessLog'")]
    [InlineData("--log-syslog", "host-without-port", "'logging.syslog'")]
    [InlineData("--metrics", "maybe", "'metrics.enabled'")]
    [InlineData("--statsd-interval-seconds", "3601", "'metrics.statsdIntervalSeconds'")]
    public void Bad_values_on_the_command_line_are_rejected_naming_the_key(string option, string value, string key)
    {
        var message = Assert.Throws<SettingsException>(() => Load(option, value)).Message;
        Assert.StartsWith(key, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_in_the_environment_are_rejected_naming_the_key()
    {
        _environment[LoggingSettingsReader.FormatVariable] = "csv";
        Assert.StartsWith("'logging.format'", Assert.Throws<SettingsException>(() => Load()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Print_config_shows_the_sections_and_loads_back_to_the_same_settings()
    {
        var logFile = Path.Combine(_directory.Path, "server.log");
        var first = Load("--log-format", "json", "--log-level", "warning", "--access-log", "on", "--log-file", logFile,
            "--log-syslog", "127.0.0.1:5514", "--metrics", "off", "--statsd", "127.0.0.1:8125", "--statsd-interval-seconds", "7");

        var printed = ConfigPrinter.Render(first);
        using (var document = JsonDocument.Parse(printed))
        {
            var logging = document.RootElement.GetProperty("logging");
            Assert.Equal("json", logging.GetProperty("format").GetString());
            Assert.Equal("warning", logging.GetProperty("level").GetString());
            Assert.True(logging.GetProperty("accessLog").GetBoolean());
            Assert.Equal(logFile, logging.GetProperty("file").GetString());
            Assert.Equal("127.0.0.1:5514", logging.GetProperty("syslog").GetString());
            var metrics = document.RootElement.GetProperty("metrics");
            Assert.False(metrics.GetProperty("enabled").GetBoolean());
            Assert.Equal("127.0.0.1:8125", metrics.GetProperty("statsd").GetString());
            Assert.Equal(7, metrics.GetProperty("statsdIntervalSeconds").GetInt32());
        }

        var second = Load("--config", Config(printed));
        Assert.Equal(first.Logging, second.Logging);
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.Equal(printed, ConfigPrinter.Render(second));
    }

    [Fact]
    public void Help_lists_every_new_option_variable_and_key()
    {
        var help = Usage.Text();
        foreach (var text in new[]
        {
            "--log-format", "--log-level", "--access-log", "--log-file", "--log-syslog", "--metrics", "--statsd", "--statsd-interval-seconds",
            LoggingSettingsReader.FormatVariable, LoggingSettingsReader.LevelVariable, LoggingSettingsReader.AccessLogVariable,
            LoggingSettingsReader.FileVariable, LoggingSettingsReader.SyslogVariable, MetricsSettingsReader.EnabledVariable,
            MetricsSettingsReader.StatsdVariable, MetricsSettingsReader.StatsdIntervalVariable,
            "logging.format", "logging.level", "logging.accessLog", "logging.file", "logging.syslog",
            "metrics.enabled", "metrics.statsd", "metrics.statsdIntervalSeconds",
        })
        {
            Assert.Contains(text, help, StringComparison.Ordinal);
        }
    }

    private ServerSettings Load(params string[] args) => SettingsLoader.Load(args, name => _environment.GetValueOrDefault(name));

    private string Config(string json)
    {
        var path = Path.Combine(_directory.Path, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
