using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marconi.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Marconi.Tests.Server;

/// <summary>How one event becomes a line: plain text, a JSON object, an RFC 5424 syslog message; always one line.</summary>
public sealed partial class LogFormatTests
{
    private static readonly LogEntry Entry = new(
        new DateTimeOffset(2030, 1, 15, 12, 0, 0, 123, TimeSpan.Zero),
        LogLevel.Warning,
        "Marconi.Test",
        42,
        "Something",
        "first line\nMarconi listening on http://forged:1",
        [new("Queue", "q1"), new("Count", 3L), new("Ratio", 0.5), new("Flag", true), new("Missing", null)],
        "System.Exception: boom\n   at Somewhere()");

    [Fact]
    public void Plain_lines_carry_time_level_category_event_and_message_with_line_breaks_escaped()
    {
        var line = Format(LogFormat.Plain);

        Assert.DoesNotContain('\n', line);
        Assert.Equal(
            @"2030-01-15T12:00:00.123Z warn Marconi.Test[42] first line\nMarconi listening on http://forged:1 exception: System.Exception: boom\n   at Somewhere()",
            line);
    }

    [Fact]
    public void Json_lines_are_one_object_with_the_structured_state()
    {
        var line = Format(LogFormat.Json);

        Assert.DoesNotContain('\n', line);
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        Assert.Equal("2030-01-15T12:00:00.1230000Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("warning", root.GetProperty("level").GetString());
        Assert.Equal("Marconi.Test", root.GetProperty("category").GetString());
        Assert.Equal(42, root.GetProperty("eventId").GetInt32());
        Assert.Equal("Something", root.GetProperty("eventName").GetString());
        Assert.Equal(Entry.Message, root.GetProperty("message").GetString());
        var state = root.GetProperty("state");
        Assert.Equal("q1", state.GetProperty("Queue").GetString());
        Assert.Equal(3, state.GetProperty("Count").GetInt64());
        Assert.Equal(0.5, state.GetProperty("Ratio").GetDouble());
        Assert.True(state.GetProperty("Flag").GetBoolean());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("Missing").ValueKind);
        Assert.StartsWith("System.Exception: boom", root.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Syslog_messages_follow_rfc_5424()
    {
        var message = SyslogFormatter.Format(Entry with { State = [new("Queue", "q\"]1")] }, "host name", 1234);

        // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM...] MSG; user facility (1) * 8 + warning (4).
        var match = SyslogLine().Match(message);
        Assert.True(match.Success, message);
        Assert.Equal("12", match.Groups["pri"].Value);
        Assert.Equal("2030-01-15T12:00:00.123000Z", match.Groups["time"].Value);
        Assert.Equal("hostname", match.Groups["host"].Value);
        Assert.Equal("marconi-server", match.Groups["app"].Value);
        Assert.Equal("1234", match.Groups["proc"].Value);
        Assert.Equal("42", match.Groups["msgid"].Value);
        Assert.Equal("""[marconi@32473 category="Marconi.Test" Queue="q\"\]1"]""", match.Groups["sd"].Value);
        Assert.StartsWith(@"first line\nMarconi listening on", match.Groups["msg"].Value, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Theory]
    [InlineData(LogLevel.Critical, 2)]
    [InlineData(LogLevel.Error, 3)]
    [InlineData(LogLevel.Warning, 4)]
    [InlineData(LogLevel.Information, 6)]
    [InlineData(LogLevel.Debug, 7)]
    [InlineData(LogLevel.Trace, 7)]
    public void Syslog_severity_follows_the_level(LogLevel level, int severity) =>
        Assert.Equal(severity, SyslogFormatter.Severity(level));

    [Theory]
    [InlineData("Info", LogLevel.Information)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("none", LogLevel.None)]
    public void Level_names_parse_case_insensitively(string text, LogLevel expected)
    {
        Assert.True(LogLevels.TryParse(text, out var level));
        Assert.Equal(expected, level);
        Assert.True(LogLevels.TryParse(LogLevels.Name(level), out var again));
        Assert.Equal(level, again);
    }

    private static string Format(LogFormat format)
    {
        var text = new StringBuilder();
        LogLineFormatter.Append(text, Entry, format);
        return text.ToString();
    }

    [GeneratedRegex("""^<(?<pri>\d{1,3})>1 (?<time>\S+) (?<host>\S+) (?<app>\S+) (?<proc>\S+) (?<msgid>\S+) (?<sd>\[.*\]) (?<msg>.*)$""")]
    private static partial Regex SyslogLine();
}
