using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marconi.Tests.Support;

namespace Marconi.Tests.Server;

/// <summary>
/// The server binary's logging: JSON lines on stdout beside the intact listening line, the access log off by default and
/// without query strings when on, the file sink and the syslog sink (a real UDP socket on 127.0.0.1).
/// </summary>
public sealed partial class LoggingProcessTests
{
    private const string ClientId = "3381af92-2b9e-11e3-b191-28cfe91478b9";
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Json_format_writes_one_json_object_per_stdout_line_beside_the_listening_line()
    {
        using var data = new TempDirectory("log-json");
        using var server = await RunningServer.StartAsync(data.Path, ["--log-format", "json", "--access-log", "on"]);
        Assert.Equal(HttpStatusCode.Created, await PostAsync(server, "logs", "json-project"));
        Assert.Equal(0, await server.StopAsync());

        var lines = server.OutputLines;
        Assert.Single(lines, l => l.StartsWith("Marconi listening on ", StringComparison.Ordinal));
        var events = lines.Where(l => !l.StartsWith("Marconi listening on ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(events);
        foreach (var line in events)
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _), line);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("level").GetString()));
            Assert.False(string.IsNullOrEmpty(root.GetProperty("category").GetString()));
            Assert.Equal(JsonValueKind.Number, root.GetProperty("eventId").ValueKind);
            Assert.Equal(JsonValueKind.String, root.GetProperty("message").ValueKind);
            Assert.Equal(JsonValueKind.Object, root.GetProperty("state").ValueKind);
        }

        // Shutdown is logged too, and the writer drains before the process exits.
        var eventIds = events.Select(EventId).ToList();
        Assert.Contains(401, eventIds);
        Assert.Equal(402, eventIds[^1]);

        var access = AccessEvents(events).Single(e => e.GetProperty("state").GetProperty("Method").GetString() == "POST");
        var state = access.GetProperty("state");
        Assert.Equal("/v2/queues/logs/messages", state.GetProperty("Path").GetString());
        Assert.Equal(201, state.GetProperty("Status").GetInt32());
        Assert.True(state.GetProperty("Bytes").GetInt64() > 0);
        Assert.True(state.GetProperty("DurationMs").GetDouble() >= 0);
        Assert.Equal("json-project", state.GetProperty("Project").GetString());
        Assert.Equal(ClientId, state.GetProperty("ClientId").GetString());
    }

    [Fact]
    public async Task The_access_log_is_off_by_default()
    {
        using var data = new TempDirectory("log-off");
        using var server = await RunningServer.StartAsync(data.Path);
        Assert.Equal(HttpStatusCode.Created, await PostAsync(server, "quiet", "quiet-project"));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(server.Url + "/metrics")).StatusCode);
        Assert.Equal(0, await server.StopAsync());

        var lines = server.OutputLines;
        Assert.Contains(lines, l => l.Contains("Marconi.Http.Server.HttpServer[100] Listening on", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Marconi.Access", StringComparison.Ordinal) || l.Contains("/v2/queues/quiet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Access_lines_never_carry_the_query_and_cannot_forge_the_listening_line()
    {
        using var data = new TempDirectory("log-access");
        using var server = await RunningServer.StartAsync(data.Path, ["--access-log", "on"]);
        using (var signed = Request(HttpMethod.Get, $"{server.Url}/v2/queues/signed/messages?signature={Secret}&expires=2030-01-01T00:00:00&paths=/v2/queues/signed/messages", "p"))
        {
            await server.Http.SendAsync(signed);
        }

        // A percent-encoded line break in the path is refused by the HTTP server (400) before any handler or log sees
        // it; line breaks that do reach a log event are escaped (LogFormatTests).
        using (var forged = Request(HttpMethod.Get, $"{server.Url}/v2/x%0AMarconi%20listening%20on%20http://127.0.0.1:1", "p"))
        {
            using var refused = await server.Http.SendAsync(forged);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(0, await server.StopAsync());
        var lines = server.OutputLines;
        Assert.DoesNotContain(lines, l => l.Contains(Secret, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Marconi.Access[500] GET /v2/queues/signed/messages ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("Marconi listening on ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_file_sink_creates_the_file_and_appends_the_same_lines()
    {
        using var data = new TempDirectory("log-file");
        var logFile = Path.Combine(data.Path, "server.log");
        Assert.False(File.Exists(logFile));
        Directory.CreateDirectory(Path.Combine(data.Path, "store"));
        using var server = await RunningServer.StartAsync(Path.Combine(data.Path, "store"), ["--log-format", "json", "--access-log", "on", "--log-file", logFile]);
        Assert.Equal(HttpStatusCode.Created, await PostAsync(server, "filed", "file-project"));
        Assert.Equal(0, await server.StopAsync());

        var fileLines = await File.ReadAllLinesAsync(logFile);
        Assert.NotEmpty(fileLines);
        foreach (var line in fileLines)
        {
            using var _ = JsonDocument.Parse(line);
        }

        Assert.Contains(fileLines, l => l.Contains("\"Path\":\"/v2/queues/filed/messages\"", StringComparison.Ordinal));
        var stdoutEvents = server.OutputLines.Where(l => l.StartsWith('{')).ToList();
        Assert.Equal(stdoutEvents, fileLines);

        // A second run appends to the same file.
        using (var again = await RunningServer.StartAsync(Path.Combine(data.Path, "store"), ["--log-format", "json", "--log-file", logFile]))
        {
            Assert.Equal(0, await again.StopAsync());
        }

        var afterSecondRun = await File.ReadAllLinesAsync(logFile);
        Assert.True(afterSecondRun.Length > fileLines.Length);
        Assert.Equal(fileLines, afterSecondRun[..fileLines.Length]);
    }

    [Fact]
    public async Task The_syslog_sink_sends_rfc_5424_messages_over_udp()
    {
        using var data = new TempDirectory("log-syslog");
        using var syslog = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)syslog.Client.LocalEndPoint!).Port;
        using var server = await RunningServer.StartAsync(data.Path, ["--access-log", "on", "--log-syslog", $"127.0.0.1:{port}"]);
        Assert.Equal(HttpStatusCode.Created, await PostAsync(server, "syslogged", "syslog-project"));

        var message = await ReceiveUntilAsync(syslog, "/v2/queues/syslogged/messages");
        var match = SyslogLine().Match(message);
        Assert.True(match.Success, message);
        Assert.Equal("14", match.Groups["pri"].Value); // user facility (1) * 8 + informational (6)
        Assert.Equal("marconi-server", match.Groups["app"].Value);
        Assert.Equal(server.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["proc"].Value);
        Assert.Equal("500", match.Groups["msgid"].Value);
        Assert.Contains("category=\"Marconi.Access\"", match.Groups["sd"].Value, StringComparison.Ordinal);
        Assert.Contains("Project=\"syslog-project\"", match.Groups["sd"].Value, StringComparison.Ordinal);
        Assert.StartsWith("POST /v2/queues/syslogged/messages 201 ", match.Groups["msg"].Value, StringComparison.Ordinal);
    }

    private static int EventId(string jsonLine)
    {
        using var document = JsonDocument.Parse(jsonLine);
        return document.RootElement.GetProperty("eventId").GetInt32();
    }

    private static IEnumerable<JsonElement> AccessEvents(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.GetProperty("category").GetString() == "Marconi.Access")
            {
                yield return document.RootElement.Clone();
            }
        }
    }

    private static async Task<string> ReceiveUntilAsync(UdpClient client, string expected)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var seen = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            UdpReceiveResult received;
            try
            {
                received = await client.ReceiveAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var text = Encoding.UTF8.GetString(received.Buffer);
            if (text.Contains(expected, StringComparison.Ordinal))
            {
                return text;
            }

            seen.AppendLine(text);
        }

        throw new Xunit.Sdk.XunitException($"no syslog message containing '{expected}' arrived; got:\n{seen}");
    }

    /// <summary>Posts one message with this class's client id (the log rotation tests use it too).</summary>
    internal static async Task<HttpStatusCode> PostAsync(RunningServer server, string queue, string project)
    {
        using var post = Request(HttpMethod.Post, $"{server.Url}/v2/queues/{queue}/messages", project);
        post.Content = new StringContent("""{"messages":[{"body":1}]}""", Encoding.UTF8, "application/json");
        using var response = await server.Http.SendAsync(post);
        return response.StatusCode;
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, string project)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Client-ID", ClientId);
        request.Headers.Add("X-Project-ID", project);
        return request;
    }

    [GeneratedRegex("""^<(?<pri>\d{1,3})>1 (?<time>\S+) (?<host>\S+) (?<app>\S+) (?<proc>\S+) (?<msgid>\S+) (?<sd>\[[^\]]*(?:\\\][^\]]*)*\]) (?<msg>.*)$""")]
    private static partial Regex SyslogLine();
}
