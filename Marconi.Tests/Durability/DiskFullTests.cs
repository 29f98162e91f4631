using System.Diagnostics;
using System.Text;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Storage.Faster;
using Xunit.Abstractions;

namespace Marconi.Tests.Durability;

/// <summary>
/// A real full disk: the store on a small tmpfs, filled up by a ballast file. Needs root on Linux to mount (./test.sh
/// and CI run as root); without it the test fails saying so rather than passing without checking anything.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const string Project = "full";
    private const string Queue = "q";

    [Fact]
    public async Task A_full_file_system_refuses_writes_keeps_reads_and_recovers_when_space_is_freed()
    {
        Assert.True(
            OperatingSystem.IsLinux() && Environment.UserName == "root",
            "The real full-disk test mounts a tmpfs: run the tests as root on Linux (as ./test.sh and CI do).");

        var mountPoint = Path.Combine(Path.GetTempPath(), "marconi-enospc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mountPoint);
        try
        {
            Run("mount", $"-t tmpfs -o size=8m tmpfs {mountPoint}");
            try
            {
                await FaultLedger.WithinScenarioBound(() => RunAsync(mountPoint), "The full-disk scenario");
            }
            finally
            {
                Run("umount", mountPoint);
            }
        }
        finally
        {
            Directory.Delete(mountPoint, recursive: true);
        }
    }

    private async Task RunAsync(string mountPoint)
    {
        var directory = Path.Combine(mountPoint, "store");
        var ballast = Path.Combine(mountPoint, "ballast");
        var options = new FasterQueueStoreOptions
        {
            PageSizeBits = 16,
            MemorySizeBits = 18,
            SegmentSizeBits = 20,
            StorageRetryInterval = TimeSpan.FromMilliseconds(50),
        };
        var client = Guid.NewGuid();
        var ledger = new FaultLedger();
        var store = await FasterQueueStore.OpenAsync(directory, options);
        try
        {
            var engine = new QueueEngine(store);
            await ledger.PostAcknowledgedAsync(engine, Project, Queue, client, batches: 20, size: 2, "before");

            var filled = FillUp(ballast);
            output.WriteLine($"Ballast of {filled} bytes fills the file system.");

            // The log's last file-system page may still take a post or two, and a rebuild that drops torn bytes frees
            // a little space again, so a post can succeed after a refusal; every post is acknowledged or refused, and
            // the disk is full once three in a row are refused.
            var refusedInARow = 0;
            var namedTheFullDisk = false;
            for (var i = 0; i < 200 && refusedInARow < 3; i++)
            {
                var body = ledger.NextBody("filling") + new string(' ', 3000);
                try
                {
                    var ids = await engine.PostMessagesAsync(Project, Queue, [new NewMessage(Encoding.UTF8.GetBytes(body))], client);
                    ledger.Acknowledged(ids[0], body);
                    refusedInARow = 0;
                }
                catch (QueueException error) when (error.Kind == QueueErrorKind.StorageUnavailable)
                {
                    ledger.Refused(body);
                    refusedInARow++;

                    // FASTER reports the failed write without its errno: the store looks at the free space instead.
                    namedTheFullDisk |= error.Message.Contains("the disk is full", StringComparison.Ordinal);
                    output.WriteLine(error.Message);
                }
            }

            Assert.True(refusedInARow == 3, "Posting 600 KB onto a full file system never failed three times in a row.");
            Assert.True(namedTheFullDisk, "No refusal said that the disk is full.");
            await ledger.AssertQueueAsync(engine, Project, Queue, "While the disk is full");

            File.Delete(ballast);
            var took = await FaultLedger.RetryUntilAcceptedAsync(
                async () =>
                {
                    var body = ledger.NextBody("after");
                    var ids = await engine.PostMessagesAsync(Project, Queue, [new NewMessage(Encoding.UTF8.GetBytes(body))], client);
                    ledger.Acknowledged(ids[0], body);
                    return true;
                },
                "Full disk");
            output.WriteLine($"Writes accepted again {took.TotalMilliseconds:F0} ms after the ballast was deleted; {store.StorageRecoveries} recoveries.");
            await ledger.PostAcknowledgedAsync(engine, Project, Queue, client, batches: 5, size: 2, "after");
            await ledger.AssertQueueAsync(engine, Project, Queue, "After space was freed");
        }
        finally
        {
            await store.DisposeAsync();
        }

        await using var reopened = await FasterQueueStore.OpenAsync(directory, options);
        Assert.Equal(0, reopened.Recovery.RecordsDropped);
        await ledger.AssertQueueAsync(new QueueEngine(reopened), Project, Queue, "Reopened after the full disk");
    }

    /// <summary>Writes zeroes to <paramref name="path"/> until the file system is full; returns the bytes written.</summary>
    private static long FillUp(string path)
    {
        long written = 0;
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        foreach (var size in (ReadOnlySpan<int>)[65536, 4096, 512, 1])
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                {
                    stream.Write(chunk);
                    written += size;
                }
            }
            catch (IOException)
            {
                // Full at this granularity; try a smaller one.
            }
        }

        return written;
    }

    private static void Run(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {arguments} failed ({process.ExitCode}): {error}");
    }
}
