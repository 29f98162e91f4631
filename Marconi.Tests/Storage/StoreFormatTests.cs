using System.Globalization;
using Marconi.Core;
using Marconi.Core.Model;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;

namespace Marconi.Tests.Storage;

/// <summary>
/// The data directory's format marker (<c>store.format</c>): written on first open, and a directory of a newer format
/// (or with a damaged marker) refused with a clear error before anything in it is read or written.
/// </summary>
public sealed class StoreFormatTests
{
    private const string Project = "format";
    private const string Queue = "q";

    [Fact]
    public async Task A_new_directory_is_marked_with_the_current_format()
    {
        using var directory = new TempDirectory("format-new");
        await using (await FasterQueueStore.OpenAsync(directory.Path))
        {
        }

        Assert.Equal(StoreFormat.Current.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(MarkerPath(directory))).Trim());
    }

    [Fact]
    public async Task A_directory_from_before_the_marker_keeps_its_messages_and_is_marked()
    {
        using var directory = new TempDirectory("format-unmarked");
        var id = await PostKeptMessageAsync(directory);
        File.Delete(MarkerPath(directory));

        await AssertKeptMessageAsync(directory, id);

        Assert.Equal(StoreFormat.Current.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(MarkerPath(directory))).Trim());
    }

    [Fact]
    public async Task A_directory_of_format_1_keeps_its_messages_and_is_raised_to_the_current_format()
    {
        // Format 1 directories hold checkpoints of version 2 or older; once this build writes a version 3 checkpoint a
        // format 1 build must refuse the directory rather than ignore the checkpoint, so the marker is raised on open.
        using var directory = new TempDirectory("format-older");
        var id = await PostKeptMessageAsync(directory);
        await File.WriteAllTextAsync(MarkerPath(directory), "1\n");

        await AssertKeptMessageAsync(directory, id);

        Assert.Equal(2, StoreFormat.Current);
        Assert.Equal("2", (await File.ReadAllTextAsync(MarkerPath(directory))).Trim());
    }

    [Fact]
    public async Task A_newer_format_is_refused_naming_the_directory_and_nothing_is_written()
    {
        using var directory = new TempDirectory("format-newer");
        var newer = (StoreFormat.Current + 1).ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(MarkerPath(directory), newer + "\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await FasterQueueStore.OpenAsync(directory.Path));
        Assert.Contains($"format {newer} by a newer Marconi", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);

        // Refused before the store tag, the log or a checkpoint was created: the newer version's files stay as they were.
        Assert.Equal([StoreFormat.FileName], Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName));
        Assert.Equal(newer + "\n", await File.ReadAllTextAsync(MarkerPath(directory)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("one")]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A_damaged_marker_is_refused(string marker)
    {
        using var directory = new TempDirectory("format-damaged");
        await File.WriteAllTextAsync(MarkerPath(directory), marker);

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await FasterQueueStore.OpenAsync(directory.Path));
        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, "log")));
    }

    [Fact]
    public async Task The_server_exits_1_on_a_directory_of_a_newer_format_and_says_why()
    {
        using var directory = new TempDirectory("format-server");
        await File.WriteAllTextAsync(MarkerPath(directory), (StoreFormat.Current + 1).ToString(CultureInfo.InvariantCulture));

        var start = RunningServer.StartInfo(["--listen", "127.0.0.1:0", "--data-dir", directory.Path], directory.Path);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.DoesNotContain("listening", await output, StringComparison.Ordinal);
        Assert.Contains("by a newer Marconi", await errors, StringComparison.Ordinal);
    }

    /// <summary>Creates the queue, posts one message and closes the store; returns the message's id.</summary>
    private static async Task<string> PostKeptMessageAsync(TempDirectory directory)
    {
        await using var store = await FasterQueueStore.OpenAsync(directory.Path);
        var engine = new QueueEngine(store);
        await engine.CreateQueueAsync(Project, Queue);
        return (await engine.PostMessagesAsync(Project, Queue, [new NewMessage("\"kept\""u8.ToArray())], Guid.NewGuid()))[0];
    }

    /// <summary>Reopens the store and checks the message posted by <see cref="PostKeptMessageAsync"/> is still there.</summary>
    private static async Task AssertKeptMessageAsync(TempDirectory directory, string id)
    {
        await using var store = await FasterQueueStore.OpenAsync(directory.Path);
        var message = await new QueueEngine(store).GetMessageAsync(Project, Queue, id);
        Assert.Equal("\"kept\"", System.Text.Encoding.UTF8.GetString(message.Body.Span));
    }

    private static string MarkerPath(TempDirectory directory) => Path.Combine(directory.Path, StoreFormat.FileName);
}
