using FASTER.core;
using Marconi.Storage.Faster.Journal;
using Marconi.Tests.Support;

namespace Marconi.Tests.Journal;

public sealed class JournalFailureTests
{
    [Fact]
    public async Task A_failing_device_surfaces_as_unavailable_instead_of_a_hang()
    {
        using var temp = new TempDirectory("journal");
        FaultyDevice? device = null;
        var options = JournalTestKit.SmallOptions(path => device = new FaultyDevice(Devices.CreateLogDevice(path, preallocateFile: false)));
        var journal = JournalTestKit.Open(temp.Path, options);
        try
        {
            var committed = journal.Append(JournalTestKit.Payload(1));
            await JournalTestKit.WithinTimeout(journal.WaitForCommitAsync(committed, CancellationToken.None), "The first commit");

            device!.FailWrites = true;
            var lost = journal.Append(JournalTestKit.Payload(2));
            var failure = await Assert.ThrowsAsync<JournalUnavailableException>(() => JournalTestKit.WithinTimeout(journal.WaitForCommitAsync(lost, CancellationToken.None), "The failing commit"));

            Assert.IsType<CommitFailureException>(failure.InnerException);
            Assert.Throws<JournalUnavailableException>(() => journal.Append(JournalTestKit.Payload(3)));
            await Assert.ThrowsAsync<JournalUnavailableException>(() => JournalTestKit.WithinTimeout(journal.CommitAllAsync(), "CommitAllAsync after the failure"));

            // What was durable before the failure stays acknowledged.
            await journal.WaitForCommitAsync(committed, CancellationToken.None);
        }
        finally
        {
            await JournalTestKit.WithinTimeout(journal.DisposeAsync(), "Dispose after the failure");
        }
    }

    [Fact]
    public async Task A_recovery_that_throws_sets_the_files_aside_and_starts_empty()
    {
        using var temp = new TempDirectory("journal");
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            for (var i = 0; i < 100; i++)
            {
                journal.Append(JournalTestKit.Payload(i));
            }

            await journal.CommitAllAsync();
        }

        var opened = 0;
        var options = JournalTestKit.SmallOptions(path => new FaultyDevice(Devices.CreateLogDevice(path, preallocateFile: false))
        {
            // Only the first device, the one recovery reads the old log with, fails.
            ThrowOnReads = Interlocked.Increment(ref opened) == 1,
        });

        using (var journal = JournalTestKit.Open(temp.Path, options))
        {
            var report = new ReplayReport();
            Assert.Empty(JournalTestKit.ReplayAll(journal, report));
            Assert.Contains(report.Problems, p => p.Contains("could not recover", StringComparison.Ordinal));
            Assert.True(report.BytesDropped > 0);

            var quarantined = Directory.GetFiles(Path.Combine(temp.Path, JournalRecovery.QuarantineDirectoryName), "journal.log.*", SearchOption.AllDirectories);
            Assert.NotEmpty(quarantined);

            var address = journal.Append(JournalTestKit.Payload(1));
            await JournalTestKit.WithinTimeout(journal.WaitForCommitAsync(address, CancellationToken.None), "A commit on the fresh log");
        }
    }
}
