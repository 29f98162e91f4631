using Marconi.Storage.Faster.Journal;
using Marconi.Tests.Support;

namespace Marconi.Tests.Journal;

public sealed class FasterJournalTests
{
    [Fact]
    public async Task Appended_entries_come_back_in_order_after_reopen()
    {
        using var temp = new TempDirectory("journal");
        var appended = new List<(long Address, byte[] Payload)>();
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            for (var i = 0; i < 500; i++)
            {
                var payload = JournalTestKit.Payload(i);
                appended.Add((journal.Append(payload), payload));
            }

            var split = JournalTestKit.Payload(500);
            appended.Add((journal.Append(split.AsSpan(0, 10), split.AsSpan(10)), split));
            await journal.CommitAllAsync();
        }

        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(appended.Select(a => a.Address), replayed.Select(r => r.Address));
            for (var i = 0; i < appended.Count; i++)
            {
                Assert.Equal(appended[i].Payload, replayed[i].Payload);
            }

            Assert.True(report.IsClean, string.Join(Environment.NewLine, report.Problems));
            Assert.Equal(appended.Count, report.EntriesReplayed);
            Assert.Equal(journal.CommittedUntilAddress, report.StoppedAtAddress);

            foreach (var (address, payload) in appended.Where((_, i) => i % 50 == 0).Append(appended[^1]))
            {
                using var entry = await journal.ReadAsync(address, CancellationToken.None);
                Assert.Equal(payload, entry.Span.ToArray());
            }
        }
    }

    [Fact]
    public async Task Replay_from_an_entry_address_starts_there()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        var addresses = Enumerable.Range(0, 50).Select(i => journal.Append(JournalTestKit.Payload(i))).ToList();
        await journal.CommitAllAsync();

        var replayed = JournalTestKit.ReplayAll(journal, new ReplayReport(), from: addresses[20]);

        Assert.Equal(addresses.Skip(20), replayed.Select(r => r.Address));
    }

    [Fact]
    public async Task A_single_idle_writer_gets_its_acknowledgement()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path, new FasterJournalOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 20, RelaxedCommitInterval = TimeSpan.FromSeconds(30) });

        // The relaxed timer is far away: only the waiter can trigger each commit. Idle gaps let FASTER's epoch go empty.
        for (var i = 0; i < 5; i++)
        {
            var address = journal.Append(JournalTestKit.Payload(i));
            await JournalTestKit.WithinTimeout(journal.WaitForCommitAsync(address, CancellationToken.None), $"Acknowledgement {i}");
            Assert.True(journal.CommittedUntilAddress > address);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task An_entry_nobody_waits_for_is_committed_by_the_relaxed_timer()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);

        var address = journal.Append(JournalTestKit.Payload(1));

        Assert.True(await JournalTestKit.Eventually(() => journal.CommittedUntilAddress > address), "The relaxed commit never happened.");
    }

    [Fact]
    public async Task Sixty_four_concurrent_writers_are_all_acknowledged_and_recovered()
    {
        const int Writers = 64;
        const int PerWriter = 40;
        using var temp = new TempDirectory("journal");
        var appended = new System.Collections.Concurrent.ConcurrentDictionary<long, byte[]>();
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < PerWriter; i++)
                {
                    var payload = JournalTestKit.Payload((w * PerWriter) + i);
                    var address = journal.Append(payload);
                    Assert.True(appended.TryAdd(address, payload));
                    await journal.WaitForCommitAsync(address, CancellationToken.None);
                    Assert.True(journal.CommittedUntilAddress > address);
                }
            }));
            await JournalTestKit.WithinTimeout(Task.WhenAll(writers), "The writers");
        }

        Assert.Equal(Writers * PerWriter, appended.Count);
        using (var journal = JournalTestKit.Open(temp.Path))
        {
            var report = new ReplayReport();
            var replayed = JournalTestKit.ReplayAll(journal, report);

            Assert.Equal(appended.Keys.Order(), replayed.Select(r => r.Address));
            JournalTestKit.AssertNoCorruptPayload(appended, replayed);
            Assert.True(report.IsClean, string.Join(Environment.NewLine, report.Problems));
        }
    }

    [Fact]
    public async Task Parked_writers_resume_on_pool_threads_never_on_the_committer()
    {
        // The committer hands released writers to the pool in batches: a writer's continuation running on the committer
        // thread would hold up every later commit.
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        var resumedOn = new System.Collections.Concurrent.ConcurrentBag<(string? Name, bool IsPoolThread)>();
        var writers = Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var address = journal.Append(JournalTestKit.Payload((w * 20) + i));
                await journal.WaitForCommitAsync(address, CancellationToken.None);
                Assert.True(journal.CommittedUntilAddress > address);
                resumedOn.Add((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
            }
        }));

        await JournalTestKit.WithinTimeout(Task.WhenAll(writers), "The writers");

        Assert.Equal(32 * 20, resumedOn.Count);
        Assert.All(resumedOn, thread => Assert.True(thread.IsPoolThread, $"Resumed on {thread.Name ?? "an unnamed thread"}, not a pool thread."));
    }

    [Fact]
    public async Task Writers_waiting_with_a_cancellable_token_are_acknowledged_too()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        using var cancellation = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var address = journal.Append(JournalTestKit.Payload((w * 20) + i));
                await journal.WaitForCommitAsync(address, cancellation.Token);
                Assert.True(journal.CommittedUntilAddress > address);
            }
        }));

        await JournalTestKit.WithinTimeout(Task.WhenAll(writers), "The writers");
    }

    [Fact]
    public async Task Dispose_commits_everything_appended()
    {
        using var temp = new TempDirectory("journal");
        long last;
        using (var journal = JournalTestKit.Open(temp.Path, new FasterJournalOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 20, RelaxedCommitInterval = TimeSpan.FromSeconds(30) }))
        {
            for (var i = 0; i < 99; i++)
            {
                journal.Append(JournalTestKit.Payload(i));
            }

            last = journal.Append(JournalTestKit.Payload(99));
        }

        await using (var journal = JournalTestKit.Open(temp.Path))
        {
            var replayed = JournalTestKit.ReplayAll(journal, new ReplayReport());
            Assert.Equal(100, replayed.Count);
            Assert.Equal(last, replayed[^1].Address);
        }
    }

    [Fact]
    public async Task DisposeAsync_commits_and_later_calls_fail_as_disposed()
    {
        using var temp = new TempDirectory("journal");
        var journal = JournalTestKit.Open(temp.Path);
        var address = journal.Append(JournalTestKit.Payload(1));

        await JournalTestKit.WithinTimeout(journal.DisposeAsync(), "DisposeAsync");

        Assert.True(journal.CommittedUntilAddress > address);
        Assert.Throws<ObjectDisposedException>(() => journal.Append(JournalTestKit.Payload(2)));
        Assert.Throws<ObjectDisposedException>(() => journal.Replay(0, new ReplayReport()));
        await journal.WaitForCommitAsync(address, CancellationToken.None);
        journal.Dispose();
    }

    [Fact]
    public void A_payload_larger_than_a_page_is_rejected_and_the_largest_one_fits()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);

        var error = Assert.Throws<ArgumentException>(() => journal.Append(new byte[journal.MaxPayloadSize + 1]));
        Assert.Contains("maximum", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => journal.Append(new byte[journal.MaxPayloadSize], new byte[1]));

        var address = journal.Append(new byte[journal.MaxPayloadSize]);
        Assert.True(address > 0);
    }

    [Fact]
    public async Task Waiting_for_an_address_nothing_was_appended_at_is_refused()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path);
        journal.Append(JournalTestKit.Payload(1));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => journal.WaitForCommitAsync(journal.TailAddress + 1000, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Reading_an_uncommitted_or_truncated_address_is_refused()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path, new FasterJournalOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 20, RelaxedCommitInterval = TimeSpan.FromSeconds(30) });
        var address = journal.Append(JournalTestKit.Payload(1));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => journal.ReadAsync(address, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => journal.ReadAsync(1, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task CommitAllAsync_makes_every_earlier_append_durable()
    {
        using var temp = new TempDirectory("journal");
        using var journal = JournalTestKit.Open(temp.Path, new FasterJournalOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 20, RelaxedCommitInterval = TimeSpan.FromSeconds(30) });
        var last = 0L;
        for (var i = 0; i < 200; i++)
        {
            last = journal.Append(JournalTestKit.Payload(i));
        }

        await JournalTestKit.WithinTimeout(journal.CommitAllAsync(), "CommitAllAsync");

        Assert.True(journal.CommittedUntilAddress > last);
        await JournalTestKit.WithinTimeout(journal.CommitAllAsync(), "CommitAllAsync with nothing new");
    }
}
