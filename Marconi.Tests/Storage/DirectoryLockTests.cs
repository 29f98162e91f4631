using System.Globalization;
using Marconi.Core;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;

namespace Marconi.Tests.Storage;

/// <summary>
/// One open store per data directory: two stores appending to one log would interleave records each index does not
/// know. A second open fails while the first is open (also in the same process) and succeeds once it is closed; a
/// process killed with SIGKILL leaves no lock behind (the durability tests reopen after real kills).
/// </summary>
public sealed class DirectoryLockTests
{
    [Fact]
    public async Task A_second_open_of_a_directory_in_use_fails_and_the_first_store_is_unharmed()
    {
        using var directory = new TempDirectory("store-lock");
        await using (var first = await FasterQueueStore.OpenAsync(directory.Path))
        {
            var engine = new QueueEngine(first);
            await engine.CreateQueueAsync("p", "q");

            var error = await Assert.ThrowsAsync<IOException>(async () => await FasterQueueStore.OpenAsync(directory.Path));
            Assert.Contains("in use by another open store", error.Message, StringComparison.Ordinal);
            Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);

            await engine.PostMessagesAsync("p", "q", [new Core.Model.NewMessage("1"u8.ToArray())], Guid.NewGuid());
        }

        // The holder's process id is left for an operator (cat reads it without a lock; .NET's own open would not while
        // the store is open).
        var holder = File.ReadAllText(Path.Combine(directory.Path, "store.lock")).Trim();
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), holder);

        await using var reopened = await FasterQueueStore.OpenAsync(directory.Path);
        var stats = await new QueueEngine(reopened).GetQueueStatsAsync("p", "q");
        Assert.Equal(1, stats.Total);
    }
}
