using System.Text.Json;
using Marconi.Server.Logging;

namespace Marconi.Server;

/// <summary>The <c>"logging"</c> object of the config file, with the environment and command line over it.</summary>
internal static class LoggingSettingsReader
{
    public const string FormatVariable = "MARCONI_LOG_FORMAT";
    public const string LevelVariable = "MARCONI_LOG_LEVEL";
    public const string AccessLogVariable = "MARCONI_ACCESS_LOG";
    public const string FileVariable = "MARCONI_LOG_FILE";
    public const string SyslogVariable = "MARCONI_LOG_SYSLOG";

    /// <summary>The keys of the <c>"logging"</c> object.</summary>
    public static readonly string[] Keys = ["format", "level", "accessLog", "file", "syslog"];

    public static Dictionary<string, JsonElement> ReadFile(JsonElement section, string path) =>
        ConfigSection.ReadFile(section, "logging", Keys, path);

    /// <summary>Merges the command line (<paramref name="line"/>, by config key), the environment and the file.</summary>
    public static LoggingSettings Resolve(IReadOnlyDictionary<string, string> line, Func<string, string?> environment, IReadOnlyDictionary<string, JsonElement>? file)
    {
        var section = new ConfigSection("logging", line, environment, file);
        var formatText = section.Text("format", FormatVariable);
        var format = formatText?.ToUpperInvariant() switch
        {
            null or "PLAIN" => LogFormat.Plain,
            "JSON" => LogFormat.Json,
            _ => throw section.Error("format", $"must be 'plain' or 'json' (got '{formatText}')."),
        };

        var levelText = section.Text("level", LevelVariable);
        var level = Microsoft.Extensions.Logging.LogLevel.Information;
        if (levelText is not null && !LogLevels.TryParse(levelText, out level))
        {
            throw section.Error("level", $"must be one of {string.Join(", ", LogLevels.Names)} (got '{levelText}').");
        }

        var filePath = section.Text("file", FileVariable);
        if (filePath is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(filePath));
            if (Directory.Exists(filePath) || (directory is not null && !Directory.Exists(directory)))
            {
                throw section.Error("file", $"must name a file in an existing directory (got '{filePath}').");
            }
        }

        return new LoggingSettings
        {
            Format = format,
            Level = level,
            AccessLog = section.Boolean("accessLog", AccessLogVariable, false),
            File = filePath,
            Syslog = section.Endpoint("syslog", SyslogVariable),
        };
    }
}
