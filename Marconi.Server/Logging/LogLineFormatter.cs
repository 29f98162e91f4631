using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Marconi.Server.Logging;

/// <summary>
/// Writes a <see cref="LogEntry"/> as one line, without the line break. Line breaks inside a message or an exception are
/// escaped, so one event is always one line and no event can forge a line of its own (such as the listening line).
/// </summary>
internal static class LogLineFormatter
{
    public static void Append(StringBuilder line, LogEntry entry, LogFormat format)
    {
        if (format == LogFormat.Json)
        {
            AppendJson(line, entry);
        }
        else
        {
            AppendPlain(line, entry);
        }
    }

    /// <summary><c>2026-12-07T13:00:00.123Z info Marconi.Server[400] message</c>, then <c> exception: ...</c> when there is one.</summary>
    private static void AppendPlain(StringBuilder line, LogEntry entry)
    {
        line.Append(entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(LogLevels.Short(entry.Level))
            .Append(' ').Append(entry.Category)
            .Append('[').Append(entry.EventId.ToString(CultureInfo.InvariantCulture)).Append("] ");
        AppendEscaped(line, entry.Message);
        if (entry.Exception is not null)
        {
            line.Append(" exception: ");
            AppendEscaped(line, entry.Exception);
        }
    }

    private static void AppendJson(StringBuilder line, LogEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LogLevels.Name(entry.Level));
            json.WriteString("category", entry.Category);
            json.WriteNumber("eventId", entry.EventId);
            if (entry.EventName is not null)
            {
                json.WriteString("eventName", entry.EventName);
            }

            json.WriteString("message", entry.Message);
            json.WriteStartObject("state");
            foreach (var (name, value) in entry.State)
            {
                WriteValue(json, name, value);
            }

            json.WriteEndObject();
            if (entry.Exception is not null)
            {
                json.WriteString("exception", entry.Exception);
            }

            json.WriteEndObject();
        }

        line.Append(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case long integer:
                json.WriteNumber(name, integer);
                break;
            case double number when double.IsFinite(number):
                json.WriteNumber(name, number);
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Control characters (line breaks above all) as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\u00XX</c>.</summary>
    internal static void AppendEscaped(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => line.Append("\\n"),
                '\r' => line.Append("\\r"),
                '\t' => line.Append("\\t"),
                _ when char.IsControl(c) => line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => line.Append(c),
            };
        }
    }
}
