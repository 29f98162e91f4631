using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Marconi.Server.Logging;

/// <summary>
/// The server's logger provider: every category logs at or above the configured minimum level to the
/// <see cref="LogWriter"/>; the access log category logs whenever it is asked to (it is off unless configured).
/// </summary>
internal sealed class MarconiLoggerProvider : ILoggerProvider
{
    /// <summary>The category of the access log, which the minimum level does not filter.</summary>
    public const string AccessLogCategory = "Marconi.Access";

    private readonly LogWriter _writer;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _time;

    public MarconiLoggerProvider(LogWriter writer, LogLevel minimum, TimeProvider? time = null)
    {
        _writer = writer;
        _minimum = minimum;
        _time = time ?? TimeProvider.System;
    }

    public ILogger CreateLogger(string categoryName) =>
        new Logger(this, categoryName, categoryName == AccessLogCategory ? LogLevel.Information : _minimum);

    /// <summary>The writer belongs to the host, which drains it after the last request.</summary>
    public void Dispose()
    {
    }

    private sealed class Logger(MarconiLoggerProvider provider, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            provider._writer.Enqueue(new LogEntry(
                provider._time.GetUtcNow(),
                logLevel,
                category,
                eventId.Id,
                eventId.Name,
                formatter(state, exception),
                Fields(state),
                exception?.ToString()));
        }

        /// <summary>The structured fields, their values copied as strings, numbers or booleans; the template left out.</summary>
        private static KeyValuePair<string, object?>[] Fields<TState>(TState state)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> list || list.Count == 0)
            {
                return [];
            }

            var fields = new List<KeyValuePair<string, object?>>(list.Count);
            foreach (var (name, value) in list)
            {
                if (name != "{OriginalFormat}")
                {
                    fields.Add(new(name, Copy(value)));
                }
            }

            return [.. fields];
        }

        private static object? Copy(object? value) => value switch
        {
            null => null,
            bool or string => value,
            sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }
}
