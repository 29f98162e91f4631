using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Marconi.Server.Logging;

/// <summary>
/// An RFC 5424 syslog message for a <see cref="LogEntry"/>:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME marconi-server PROCID EVENTID [marconi@32473 category="..." KEY="..."] MESSAGE</c>.
/// The facility is user-level (1); the severity follows the level. 32473 is the enterprise number RFC 5612 reserves for
/// examples and documentation: Marconi has none of its own.
/// </summary>
internal static class SyslogFormatter
{
    public const string AppName = "marconi-server";
    private const int UserFacility = 1;

    public static string Format(LogEntry entry, string hostName, int processId)
    {
        var text = new StringBuilder(256);
        text.Append('<').Append(((UserFacility * 8) + Severity(entry.Level)).ToString(CultureInfo.InvariantCulture)).Append(">1 ")
            .Append(entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(' ')
            .Append(Header(hostName, 255)).Append(' ')
            .Append(AppName).Append(' ')
            .Append(processId.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(entry.EventId.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append("[marconi@32473 category=\"");
        AppendParamValue(text, entry.Category);
        text.Append('"');
        foreach (var (name, value) in entry.State)
        {
            var paramName = ParamName(name);
            if (paramName.Length == 0)
            {
                continue;
            }

            text.Append(' ').Append(paramName).Append("=\"");
            AppendParamValue(text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
            text.Append('"');
        }

        text.Append("] ");
        LogLineFormatter.AppendEscaped(text, entry.Message);
        if (entry.Exception is not null)
        {
            text.Append(" exception: ");
            LogLineFormatter.AppendEscaped(text, entry.Exception);
        }

        return text.ToString();
    }

    /// <summary>RFC 5424 severities: 2 critical, 3 error, 4 warning, 6 informational, 7 debug.</summary>
    public static int Severity(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    /// <summary>Header fields are printable US-ASCII without spaces, or "-" when empty.</summary>
    private static string Header(string value, int maxLength)
    {
        var text = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (var c in value)
        {
            if (text.Length == maxLength)
            {
                break;
            }

            if (c is > ' ' and < (char)127)
            {
                text.Append(c);
            }
        }

        return text.Length == 0 ? "-" : text.ToString();
    }

    /// <summary>SD-NAME: printable US-ASCII except '=', ' ', ']' and '"', at most 32 characters.</summary>
    private static string ParamName(string name)
    {
        var text = new StringBuilder(Math.Min(name.Length, 32));
        foreach (var c in name)
        {
            if (text.Length == 32)
            {
                break;
            }

            if (c is > ' ' and < (char)127 and not ('=' or ']' or '"'))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>PARAM-VALUE escapes '"', '\' and ']' with a backslash; control characters are escaped too.</summary>
    private static void AppendParamValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            if (c is '"' or '\\' or ']')
            {
                text.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                text.Append(' ');
            }
            else
            {
                text.Append(c);
            }
        }
    }
}
