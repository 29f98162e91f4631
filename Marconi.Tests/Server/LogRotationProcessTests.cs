using System.Globalization;
using System.Net;
using System.Text;
using Marconi.Tests.Support;

namespace Marconi.Tests.Server;

/// <summary>
/// The log file under logrotate, with the server binary: <c>copytruncate</c> (the file is truncated in place) and
/// <c>create</c> followed by SIGHUP (the file is moved away and the server reopens its path), and a reopen that fails.
/// </summary>
public sealed class LogRotationProcessTests
{
    private const string Project = "rotation";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_truncated_log_file_goes_on_from_its_new_end_without_a_hole()
    {
        using var data = new TempDirectory("log-truncate");
        var logFile = Path.Combine(data.Path, "server.log");

        // Lines of an earlier run: the file is appended to, and truncating it must still work.
        await File.WriteAllTextAsync(logFile, string.Concat(Enumerable.Repeat("2026-12-07T00:00:00.000Z info earlier run\n", 200)));
        using var server = await StartAsync(data, logFile);
        Assert.Equal(HttpStatusCode.Created, await LoggingProcessTests.PostAsync(server, "before", Project));
        await WaitForFileLineAsync(logFile, "/v2/queues/before/");

        // What logrotate's copytruncate does once it has copied the file.
        using (new FileStream(logFile, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }

        Assert.Equal(HttpStatusCode.Created, await LoggingProcessTests.PostAsync(server, "after", Project));
        await WaitForFileLineAsync(logFile, "/v2/queues/after/");
        Assert.Equal(0, await server.StopAsync());

        var bytes = await File.ReadAllBytesAsync(logFile);
        Assert.DoesNotContain((byte)0, bytes);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("20", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/v2/queues/before/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("earlier run", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_reopens_the_log_file_at_its_path_after_it_was_moved()
    {
        using var data = new TempDirectory("log-reopen");
        var logFile = Path.Combine(data.Path, "server.log");
        var rotated = logFile + ".1";
        using var server = await StartAsync(data, logFile);
        Assert.Equal(HttpStatusCode.Created, await LoggingProcessTests.PostAsync(server, "first", Project));
        await WaitForFileLineAsync(logFile, "/v2/queues/first/");

        // logrotate's create: move the file away and make an empty one in its place, then signal.
        File.Move(logFile, rotated);
        await File.WriteAllBytesAsync(logFile, []);
        await SignalAsync(server, "HUP");

        // The signal is handled asynchronously: post until a line lands in the new file.
        var landed = await PostUntilAsync(server, () => Contains(logFile, "/v2/queues/second/"), "second");
        Assert.True(landed, $"no access line reached the new file; stdout:\n{string.Join('\n', server.OutputLines)}");
        Assert.False(server.Process.HasExited, "SIGHUP must not end the server");
        Assert.Equal(0, await server.StopAsync());

        var old = await File.ReadAllTextAsync(rotated);
        Assert.Contains("/v2/queues/first/", old, StringComparison.Ordinal);
        var fresh = await File.ReadAllTextAsync(logFile);
        Assert.DoesNotContain("/v2/queues/first/", fresh, StringComparison.Ordinal);
        Assert.Contains("Stopped", fresh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reopen_that_fails_keeps_writing_to_the_old_file_and_says_why()
    {
        using var data = new TempDirectory("log-reopen-fails");
        var logDirectory = Directory.CreateDirectory(Path.Combine(data.Path, "logs")).FullName;
        var logFile = Path.Combine(logDirectory, "server.log");
        using var server = await StartAsync(data, logFile);
        Assert.Equal(HttpStatusCode.Created, await LoggingProcessTests.PostAsync(server, "first", Project));
        await WaitForFileLineAsync(logFile, "/v2/queues/first/");

        // The directory goes away: the path cannot be opened again, the open handle still works.
        var movedDirectory = Path.Combine(data.Path, "logs-moved");
        Directory.Move(logDirectory, movedDirectory);
        await SignalAsync(server, "HUP");
        var warned = await PostUntilAsync(server, () => server.OutputLines.Any(l => l.Contains("LogFileReopenFailed", StringComparison.Ordinal) || l.Contains("Cannot reopen the log file", StringComparison.Ordinal)), "second");
        Assert.True(warned, $"no warning about the failed reopen; stdout:\n{string.Join('\n', server.OutputLines)}");
        Assert.Equal(0, await server.StopAsync());

        var kept = await File.ReadAllTextAsync(Path.Combine(movedDirectory, "server.log"));
        Assert.Contains("/v2/queues/second/", kept, StringComparison.Ordinal);
        Assert.Contains("Cannot reopen the log file", kept, StringComparison.Ordinal);
        Assert.False(Directory.Exists(logDirectory));
    }

    private static Task<RunningServer> StartAsync(TempDirectory data, string logFile) =>
        RunningServer.StartAsync(Directory.CreateDirectory(Path.Combine(data.Path, "store")).FullName, ["--access-log", "on", "--log-file", logFile]);

    private static async Task SignalAsync(RunningServer server, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", server.Process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Posts to <paramref name="queue"/> every 100 ms until <paramref name="done"/> holds; false after <see cref="Wait"/>.</summary>
    private static async Task<bool> PostUntilAsync(RunningServer server, Func<bool> done, string queue)
    {
        var until = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(HttpStatusCode.Created, await LoggingProcessTests.PostAsync(server, queue, Project));
            await Task.Delay(100);
            if (done())
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WaitForFileLineAsync(string path, string text)
    {
        var until = DateTime.UtcNow + Wait;
        while (!Contains(path, text))
        {
            Assert.True(DateTime.UtcNow < until, $"'{text}' never reached {path}");
            await Task.Delay(50);
        }
    }

    private static bool Contains(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Contains(text, StringComparison.Ordinal);
    }
}
