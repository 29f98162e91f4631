using System.Text.Json;

namespace Marconi.Server;

/// <summary>The <c>"metrics"</c> object of the config file, with the environment and command line over it.</summary>
internal static class MetricsSettingsReader
{
    public const string EnabledVariable = "MARCONI_METRICS";
    public const string StatsdVariable = "MARCONI_STATSD";
    public const string StatsdIntervalVariable = "MARCONI_STATSD_INTERVAL_SECONDS";

    /// <summary>The keys of the <c>"metrics"</c> object.</summary>
    public static readonly string[] Keys = ["enabled", "statsd", "statsdIntervalSeconds"];

    public static Dictionary<string, JsonElement> ReadFile(JsonElement section, string path) =>
        ConfigSection.ReadFile(section, "metrics", Keys, path);

    /// <summary>Merges the command line (<paramref name="line"/>, by config key), the environment and the file.</summary>
    public static MetricsSettings Resolve(IReadOnlyDictionary<string, string> line, Func<string, string?> environment, IReadOnlyDictionary<string, JsonElement>? file)
    {
        var section = new ConfigSection("metrics", line, environment, file);
        return new MetricsSettings
        {
            Enabled = section.Boolean("enabled", EnabledVariable, true),
            Statsd = section.Endpoint("statsd", StatsdVariable),
            StatsdIntervalSeconds = section.Integer("statsdIntervalSeconds", StatsdIntervalVariable, MetricsSettings.DefaultStatsdIntervalSeconds, 1, 3600),
        };
    }
}
