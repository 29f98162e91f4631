using System.Collections.Concurrent;
using FASTER.core;
using Marconi.Storage.Faster.Journal;
using Marconi.Tests.Support;

namespace Marconi.Tests.Journal;

/// <summary>
/// Reads of recent entries come from the journal's tail cache (a memory copy), older ones and those of an earlier
/// process through FASTER's device; a device that throws on reads tells the two apart.
/// </summary>
public sealed class JournalTailCacheTests
{
    [Fact]
    public async Task Recent_entries_are_read_from_memory_and_older_ones_through_the_device()
    {
        using var temp = new TempDirectory("journal");
        FaultyDevice? device = null;
        using var journal = JournalTestKit.Open(temp.Path, JournalTestKit.SmallOptions(path => device = new FaultyDevice(Devices.CreateLogDevice(path, preallocateFile: false))));

        // About 300 KiB of entries: several times the 64 KiB cache of these options.
        var appended = Enumerable.Range(0, 300).Select(i => (Address: journal.Append(JournalTestKit.Payload(i)), Payload: JournalTestKit.Payload(i))).ToList();
        await JournalTestKit.WithinTimeout(journal.CommitAllAsync(), "CommitAllAsync");

        device!.ThrowOnReads = true;
        foreach (var (address, payload) in appended.TakeLast(3))
        {
            using var entry = await journal.ReadAsync(address, CancellationToken.None);
            Assert.Equal(payload, entry.Span.ToArray());
        }

        await Assert.ThrowsAsync<JournalCorruptException>(() => journal.ReadAsync(appended[0].Address, CancellationToken.None).AsTask());

        device.ThrowOnReads = false;
        foreach (var (address, payload) in appended)
        {
            using var entry = await journal.ReadAsync(address, CancellationToken.None);
            Assert.Equal(payload, entry.Span.ToArray());
        }
    }

    [Fact]
    public async Task Entries_of_an_earlier_process_are_read_through_the_device()
    {
        using var temp = new TempDirectory("journal");
        long last;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            last = journal.Append(JournalTestKit.Payload(1));
            await JournalTestKit.WithinTimeout(journal.CommitAllAsync(), "CommitAllAsync");
        }

        FaultyDevice? device = null;
        using (var journal = JournalTestKit.Open(temp.Path, JournalTestKit.SmallOptions(path => device = new FaultyDevice(Devices.CreateLogDevice(path, preallocateFile: false)))))
        {
            device!.ThrowOnReads = true;
            await Assert.ThrowsAsync<JournalCorruptException>(() => journal.ReadAsync(last, CancellationToken.None).AsTask());

            device.ThrowOnReads = false;
            using var entry = await journal.ReadAsync(last, CancellationToken.None);
            Assert.Equal(JournalTestKit.Payload(1), entry.Span.ToArray());
        }
    }

    [Fact]
    public async Task Entries_older_than_the_cache_are_read_from_the_segment_files()
    {
        // The local file device (no device factory): what the cache no longer holds is read with pread from the segment
        // files, and an entry damaged on disk is not served from there (its CRC fails) but reported by FASTER's read.
        using var temp = new TempDirectory("journal");
        var appended = new List<(long Address, byte[] Payload)>();
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            appended.AddRange(Enumerable.Range(0, 2000).Select(i => (journal.Append(JournalTestKit.Payload(i)), JournalTestKit.Payload(i))));
            await JournalTestKit.WithinTimeout(journal.CommitAllAsync(), "CommitAllAsync");

            foreach (var (address, payload) in appended)
            {
                using var entry = await journal.ReadAsync(address, CancellationToken.None);
                Assert.Equal(payload, entry.Span.ToArray());
            }

            var (fromCache, fromFiles, throughFaster) = journal.ReadCounts;
            Assert.True(fromCache > 0, "Nothing was read from the tail cache.");
            Assert.True(fromFiles > 0, "Nothing was read from the segment files.");
            Assert.Equal(0, throughFaster);
            Assert.Equal(appended.Count, fromCache + fromFiles);
        }

        // In a new process nothing is cached: the first entry comes from its file; flip a byte of its payload and the
        // direct read refuses it, so FASTER's read reports the damage.
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            using (var entry = await journal.ReadAsync(appended[0].Address, CancellationToken.None))
            {
                Assert.Equal(appended[0].Payload, entry.Span.ToArray());
            }

            Assert.Equal((0L, 1L, 0L), journal.ReadCounts);
        }

        var (path, offset) = JournalTestKit.Locate(temp.Path, appended[1].Address);
        JournalTestKit.FlipBytes(path, offset + JournalFrame.FasterEntryHeaderSize + JournalFrame.HeaderSize + 10, 1);
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            await Assert.ThrowsAsync<JournalCorruptException>(() => journal.ReadAsync(appended[1].Address, CancellationToken.None).AsTask());
            Assert.Equal((0L, 0L, 1L), journal.ReadCounts);
        }
    }

    [Fact]
    public async Task Readers_racing_appenders_that_overwrite_the_cache_always_get_the_right_payload()
    {
        // The 64 KiB cache of these options is overwritten every ~60 entries, so readers of recent addresses keep losing
        // the race to appenders: every read must still return exactly what was appended there.
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        var appended = new ConcurrentDictionary<long, int>();
        var recent = new long[64];
        var writersDone = 0;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 1500; i++)
            {
                var index = (w * 1500) + i;
                var address = journal.Append(JournalTestKit.Payload(index));
                appended[address] = index;
                Volatile.Write(ref recent[index % recent.Length], address);
                if (i % 50 == 0)
                {
                    await journal.WaitForCommitAsync(address, CancellationToken.None);
                }
            }

            Interlocked.Increment(ref writersDone);
        })).ToList();
        var reads = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            while (Volatile.Read(ref writersDone) < 4)
            {
                var address = Volatile.Read(ref recent[random.Next(recent.Length)]);
                if (address == 0 || address >= journal.CommittedUntilAddress)
                {
                    await Task.Yield();
                    continue;
                }

                using var entry = await journal.ReadAsync(address, CancellationToken.None);
                Assert.Equal(JournalTestKit.Payload(appended[address]), entry.Span.ToArray());
                Interlocked.Increment(ref reads);
            }
        })).ToList();

        await JournalTestKit.WithinTimeout(Task.WhenAll(writers.Concat(readers)), "The writers and readers");
        Assert.True(reads > 0, "No read happened while the writers ran.");
    }
}
