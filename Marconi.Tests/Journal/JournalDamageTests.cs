using Marconi.Storage.Faster.Journal;
using Marconi.Tests.Support;

namespace Marconi.Tests.Journal;

/// <summary>
/// Damage on disk: reopening never throws, replay never yields a damaged payload, yields every entry before the damage
/// and, where a readable commit record follows the damage, every entry after it too.
/// </summary>
public sealed class JournalDamageTests
{
    /// <summary>FASTER's commit record in fast-commit mode: 12-byte header plus 44 bytes of recovery info.</summary>
    private const int CommitRecordSize = 56;

    [Fact]
    public async Task Entries_past_the_committed_end_are_absent_after_reopen()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> committed;
        long committedEnd;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            committed = await Write(journal, 0, 100, commitEach: false);
            await journal.CommitAllAsync();
            committedEnd = journal.CommittedUntilAddress;
            await Write(journal, 100, 50, commitEach: false);
        }

        // As if the process died before the second batch was committed: its bytes never reached the file.
        var (path, offset) = JournalTestKit.Locate(temp.Path, committedEnd);
        JournalTestKit.CutFile(path, offset);

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(committed.Select(c => c.Address), replayed.Select(r => r.Address));
            JournalTestKit.AssertNoCorruptPayload(committed.ToDictionary(c => c.Address, c => c.Payload), replayed);
            Assert.Equal(committedEnd, journal.CommittedUntilAddress);
            Assert.True(report.IsClean, string.Join(Environment.NewLine, report.Problems));
        }
    }

    [Fact]
    public async Task An_intact_entry_whose_commit_record_is_missing_is_kept()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> committed;
        long orphan;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            committed = await Write(journal, 0, 100, commitEach: false);
            await journal.CommitAllAsync();
            orphan = journal.Append(JournalTestKit.Payload(100));
        }

        // The commit record the final commit wrote after the entry is lost; the entry itself is whole.
        ZeroCommitRecordAfter(temp.Path, orphan, JournalTestKit.Payload(100).Length);

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(committed.Select(c => c.Address).Append(orphan), replayed.Select(r => r.Address));
            Assert.Equal(JournalTestKit.Payload(100), replayed[^1].Payload);
            Assert.Contains(report.Problems, p => p.Contains("they were kept", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_torn_entry_past_the_last_commit_record_is_set_aside_and_stays_gone()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> committed;
        long torn;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            committed = await Write(journal, 0, 100, commitEach: false);
            await journal.CommitAllAsync();
            torn = journal.Append(JournalTestKit.Payload(100));
        }

        // As if a crash tore the last write: its bytes are damaged and no commit record follows.
        ZeroCommitRecordAfter(temp.Path, torn, JournalTestKit.Payload(100).Length);
        var (path, offset) = JournalTestKit.Locate(temp.Path, torn);
        JournalTestKit.FlipBytes(path, offset + 12 + 16 + 10, 4);

        long added;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(committed.Select(c => c.Address), replayed.Select(r => r.Address));
            Assert.Contains(report.Problems, p => p.Contains("were moved to", StringComparison.Ordinal));
            Assert.True(report.BytesDropped > 0);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(temp.Path, JournalRecovery.QuarantineDirectoryName), "*", SearchOption.AllDirectories));

            added = journal.Append(JournalTestKit.Payload(7777));
            await journal.CommitAllAsync();
        }

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(committed.Select(c => c.Address).Append(added), replayed.Select(r => r.Address));
            Assert.True(report.IsClean, string.Join(Environment.NewLine, report.Problems));
        }
    }

    [Fact]
    public async Task Flipped_bytes_in_the_last_entry_lose_only_that_entry()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            written = await Write(journal, 0, 300, commitEach: true);
        }

        var last = written[^1];
        var (path, offset) = JournalTestKit.Locate(temp.Path, last.Address);
        JournalTestKit.FlipBytes(path, offset + 12 + 16 + 10, 4);

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(written.SkipLast(1).Select(w => w.Address), replayed.Select(r => r.Address));
            JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
            Assert.Equal(1, report.EntriesDropped);

            // The damaged entry is still in the recovered tail page, where FASTER skips its own checksum: our CRC
            // rejects it, so the scan reads on to the end; on disk FASTER would have thrown and the scan stopped there.
            Assert.InRange(report.StoppedAtAddress, written[^2].Address + 1, journal.CommittedUntilAddress);
        }
    }

    [Fact]
    public async Task Flipped_bytes_past_the_last_commit_metadata_drop_only_the_damaged_entry_for_good()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            // 600 commits: FASTER's metadata file (every 1000 commits) is from the first one, before the damage,
            // so FASTER's own recovery stops at the damage.
            written = await Write(journal, 0, 600, commitEach: true);
        }

        var damaged = written[300];
        var (path, offset) = JournalTestKit.Locate(temp.Path, damaged.Address);
        JournalTestKit.FlipBytes(path, offset + 12 + 16 + 10, 4);
        var appended = written.ToDictionary(w => w.Address, w => w.Payload);
        var survivors = written.Where(w => w.Address != damaged.Address).Select(w => w.Address).ToList();

        long added;
        var addedPayload = JournalTestKit.Payload(9999);
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(survivors, replayed.Select(r => r.Address));
            JournalTestKit.AssertNoCorruptPayload(appended, replayed);
            Assert.Equal(1, report.EntriesDropped);
            Assert.Contains(report.Problems, p => p.Contains("FASTER's recovery stopped", StringComparison.Ordinal));

            added = journal.Append(addedPayload);
            await journal.CommitAllAsync();
        }

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(survivors.Append(added), replayed.Select(r => r.Address));
            Assert.Equal(addedPayload, replayed[^1].Payload);
            Assert.Equal(1, report.EntriesDropped);
            Assert.Single(report.Problems);
        }
    }

    [Fact]
    public async Task Damage_inside_a_group_commit_loses_only_the_damaged_entry()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path, new FasterJournalOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 20, RelaxedCommitInterval = TimeSpan.FromSeconds(30) }))
        {
            // One commit record after all 500 entries: FASTER alone would lose every entry of the group.
            written = await Write(journal, 0, 500, commitEach: false);
            await journal.CommitAllAsync();
        }

        var damaged = written[250];
        var (path, offset) = JournalTestKit.Locate(temp.Path, damaged.Address);
        JournalTestKit.FlipBytes(path, offset + 12 + 16 + 10, 4);

        using var reopened = JournalTestKit.Open(temp.Path);
        var report = new ReplayReport();
        var replayed = JournalTestKit.ReplayAll(reopened, report);

        Assert.Equal(written.Where(w => w.Address != damaged.Address).Select(w => w.Address), replayed.Select(r => r.Address));
        JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
        Assert.Equal(1, report.EntriesDropped);
    }

    [Fact]
    public async Task A_cut_inside_a_group_commit_keeps_the_entries_before_the_cut()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path, new FasterJournalOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 20, RelaxedCommitInterval = TimeSpan.FromSeconds(30) }))
        {
            written = await Write(journal, 0, 500, commitEach: false);
            await journal.CommitAllAsync();
        }

        var (path, offset) = JournalTestKit.Locate(temp.Path, written[400].Address + 100);
        JournalTestKit.CutFile(path, offset);

        using var reopened = JournalTestKit.Open(temp.Path);
        var report = new ReplayReport();
        var replayed = JournalTestKit.ReplayAll(reopened, report);

        Assert.Equal(written.Take(400).Select(w => w.Address), replayed.Select(r => r.Address));
        JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
        Assert.NotEmpty(report.Problems);
    }

    [Fact]
    public async Task Flipped_bytes_in_an_old_segment_drop_only_the_damaged_entry()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            // Over 1000 commits: FASTER's metadata file lies past the damage, so recovery reaches the real end.
            written = await Write(journal, 0, 1200, commitEach: true);
        }

        var damaged = written[100];
        var (path, offset) = JournalTestKit.Locate(temp.Path, damaged.Address);
        Assert.EndsWith(".0", path, StringComparison.Ordinal);
        JournalTestKit.FlipBytes(path, offset + 12 + 16 + 10, 4);

        using var reopened = JournalTestKit.Open(temp.Path);
        var report = new ReplayReport();
        var replayed = JournalTestKit.ReplayAll(reopened, report);

        Assert.Equal(written.Where(w => w.Address != damaged.Address).Select(w => w.Address), replayed.Select(r => r.Address));
        JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
        Assert.Equal(1, report.EntriesDropped);
        Assert.Single(report.Problems);
        Assert.Equal(reopened.CommittedUntilAddress, report.StoppedAtAddress);

        await Assert.ThrowsAsync<JournalCorruptException>(() => reopened.ReadAsync(damaged.Address, CancellationToken.None).AsTask());
        using var neighbour = await reopened.ReadAsync(written[101].Address, CancellationToken.None);
        Assert.Equal(written[101].Payload, neighbour.Span.ToArray());
    }

    [Fact]
    public async Task A_damaged_length_field_is_skipped_without_serving_garbage()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            written = await Write(journal, 0, 1200, commitEach: true);
        }

        var damaged = written[100];
        var (path, offset) = JournalTestKit.Locate(temp.Path, damaged.Address);
        JournalTestKit.FlipBytes(path, offset + 8, 4);

        using var reopened = JournalTestKit.Open(temp.Path);
        var report = new ReplayReport();
        var replayed = JournalTestKit.ReplayAll(reopened, report);

        JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
        var yielded = replayed.Select(r => r.Address).ToHashSet();
        var damagedPage = damaged.Address >> 16;
        Assert.All(written.Take(100), w => Assert.Contains(w.Address, yielded));
        Assert.All(written.Where(w => w.Address >> 16 > damagedPage), w => Assert.Contains(w.Address, yielded));
        Assert.DoesNotContain(damaged.Address, yielded);
        Assert.True(report.EntriesDropped >= 1);
    }

    [Fact]
    public async Task A_cut_segment_file_keeps_every_entry_before_the_cut()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            written = await Write(journal, 0, 1200, commitEach: true);
        }

        var cutAt = written[1100].Address + 100;
        var (path, offset) = JournalTestKit.Locate(temp.Path, cutAt);
        JournalTestKit.CutFile(path, offset);

        using var reopened = JournalTestKit.Open(temp.Path);
        var report = new ReplayReport();
        var replayed = JournalTestKit.ReplayAll(reopened, report);

        Assert.Equal(written.Take(1100).Select(w => w.Address), replayed.Select(r => r.Address));
        JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
    }

    [Fact]
    public async Task A_file_cut_below_the_commit_metadata_point_leaves_the_committed_end_beyond_the_data()
    {
        using var temp = new TempDirectory("journal");
        List<(long Address, byte[] Payload)> written;
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            written = await Write(journal, 0, 1200, commitEach: true);
        }

        // Commit 1001 (after entry 1000) wrote FASTER's metadata file; recovery trusts the address it names.
        var metadataEnd = JournalTestKit.EntryEnd(written[1000].Address, written[1000].Payload.Length) + CommitRecordSize;
        var (path, offset) = JournalTestKit.Locate(temp.Path, metadataEnd);
        Assert.True(offset > 3000, "The test needs the metadata point well inside its segment.");
        var cutAt = metadataEnd - 3000;
        JournalTestKit.CutFile(path, offset - 3000);
        foreach (var (later, _) in JournalRecovery.SegmentFiles(temp.Path).Where(s => s.Segment > metadataEnd >> 20))
        {
            File.Delete(later);
        }

        using var reopened = JournalTestKit.Open(temp.Path);
        var report = new ReplayReport();
        var replayed = JournalTestKit.ReplayAll(reopened, report);

        Assert.True(reopened.CommittedUntilAddress >= metadataEnd);
        JournalTestKit.AssertNoCorruptPayload(written.ToDictionary(w => w.Address, w => w.Payload), replayed);
        Assert.Equal(
            written.Where(w => JournalTestKit.EntryEnd(w.Address, w.Payload.Length) <= cutAt).Select(w => w.Address),
            replayed.Select(r => r.Address));
        Assert.True(report.BytesDropped > 0);
        Assert.True(report.StoppedAtAddress < reopened.CommittedUntilAddress);
        Assert.NotEmpty(report.Problems);

        // The journal still takes new entries after the hole.
        var added = reopened.Append(JournalTestKit.Payload(5000));
        await JournalTestKit.WithinTimeout(reopened.WaitForCommitAsync(added, CancellationToken.None), "A commit after the hole");
    }

    private static void ZeroCommitRecordAfter(string directory, long entry, int payloadLength)
    {
        var (path, offset) = JournalTestKit.Locate(directory, JournalTestKit.EntryEnd(entry, payloadLength));
        JournalTestKit.ZeroBytes(path, offset, CommitRecordSize);
    }

    private static async Task<List<(long Address, byte[] Payload)>> Write(FasterJournal journal, int first, int count, bool commitEach)
    {
        var written = new List<(long, byte[])>(count);
        for (var i = first; i < first + count; i++)
        {
            var payload = JournalTestKit.Payload(i);
            var address = journal.Append(payload);
            written.Add((address, payload));
            if (commitEach)
            {
                await journal.WaitForCommitAsync(address, CancellationToken.None);
            }
        }

        return written;
    }
}
