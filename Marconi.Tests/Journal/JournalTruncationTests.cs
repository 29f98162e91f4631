using Marconi.Storage.Faster.Journal;
using Marconi.Tests.Support;

namespace Marconi.Tests.Journal;

public sealed class JournalTruncationTests
{
    [Fact]
    public async Task Segments_read_directly_are_not_held_open_once_truncated()
    {
        // A read of an old entry opens its segment file for direct reads; after truncation past it no descriptor of the
        // process may still point at the deleted file, or its disk space would stay in use.
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        var addresses = Enumerable.Range(0, 2500).Select(i => journal.Append(JournalTestKit.Payload(i))).ToList();
        await journal.CommitAllAsync();
        using (var entry = await journal.ReadAsync(addresses[0], CancellationToken.None))
        {
            Assert.Equal(JournalTestKit.Payload(0), entry.Span.ToArray());
        }

        Assert.Equal(1, journal.ReadCounts.FromFiles);
        var firstSegment = Path.Combine(temp.Path, "journal.log.0");
        Assert.Contains(OpenFiles(), target => target.StartsWith(firstSegment, StringComparison.Ordinal));

        journal.TruncateUntil(addresses.First(a => a > (2L << 20) + 5000));
        await journal.CommitAllAsync();

        Assert.True(
            await JournalTestKit.Eventually(() => !File.Exists(firstSegment) && !OpenFiles().Any(target => target.StartsWith(firstSegment, StringComparison.Ordinal))),
            "The truncated segment is still open: " + string.Join(", ", OpenFiles().Where(target => target.Contains("journal.log", StringComparison.Ordinal))));
    }

    /// <summary>What this process's file descriptors point at (Linux: /proc/self/fd).</summary>
    private static List<string> OpenFiles()
    {
        var targets = new List<string>();
        foreach (var descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is { } target)
                {
                    targets.Add(target);
                }
            }
            catch (IOException)
            {
                // Closed between listing and reading.
            }
        }

        return targets;
    }

    [Fact]
    public async Task TruncateUntil_moves_the_begin_address_and_deletes_whole_segments()
    {
        using var temp = new TempDirectory("journal");
        var addresses = new List<long>();
        long target;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            // About 2.6 MB: segments 0, 1 and 2 of 1 MiB each.
            for (var i = 0; i < 2500; i++)
            {
                addresses.Add(journal.Append(JournalTestKit.Payload(i)));
            }

            await journal.CommitAllAsync();
            target = addresses.First(a => a > (2L << 20) + 5000);
            var before = journal.BeginAddress;

            journal.TruncateUntil(target);
            await journal.CommitAllAsync();

            // Rounded down to the start of the target's 64 KiB page.
            Assert.Equal(target & ~0xFFFFL, journal.BeginAddress);
            Assert.True(journal.BeginAddress > before);
            Assert.True(
                await JournalTestKit.Eventually(() => !File.Exists(Path.Combine(temp.Path, "journal.log.0")) && !File.Exists(Path.Combine(temp.Path, "journal.log.1"))),
                "Segments wholly below the begin address were not deleted.");
            Assert.True(File.Exists(Path.Combine(temp.Path, "journal.log.2")));
        }

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            Assert.Equal(target & ~0xFFFFL, journal.BeginAddress);
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(addresses.Where(a => a >= journal.BeginAddress), replayed.Select(r => r.Address));
            Assert.True(report.IsClean, string.Join(Environment.NewLine, report.Problems));
        }
    }

    [Fact]
    public async Task A_truncation_alone_is_committed_by_the_relaxed_timer()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        var addresses = new List<long>();
        for (var i = 0; i < 2000; i++)
        {
            addresses.Add(journal.Append(JournalTestKit.Payload(i)));
        }

        await journal.CommitAllAsync();
        journal.TruncateUntil(addresses[^1]);

        Assert.True(await JournalTestKit.Eventually(() => !File.Exists(Path.Combine(temp.Path, "journal.log.0"))), "The truncation was never committed.");
    }
}
