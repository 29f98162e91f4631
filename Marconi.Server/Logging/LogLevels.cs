using Microsoft.Extensions.Logging;

namespace Marconi.Server.Logging;

/// <summary>The level names the configuration accepts and the log lines carry.</summary>
internal static class LogLevels
{
    /// <summary>The names accepted for the minimum level, in order.</summary>
    public static readonly string[] Names = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    /// <summary>The level named (case-insensitive; "info" and "warn" too), or false.</summary>
    public static bool TryParse(string text, out LogLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "information" or "info" => LogLevel.Information,
            "warning" or "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "critical" => LogLevel.Critical,
            "none" => LogLevel.None,
            _ => (LogLevel)(-1),
        };
        return level >= 0;
    }

    /// <summary>The configuration's name of a level (what --print-config writes).</summary>
    public static string Name(LogLevel level) => Names[(int)level];

    /// <summary>The short name in a log line.</summary>
    public static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "crit",
    };
}
