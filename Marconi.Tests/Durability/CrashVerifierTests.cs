using System.Text;
using Marconi.Crash;

namespace Marconi.Tests.Durability;

/// <summary>
/// The crash campaign's checks on hand-made ledgers and listings: each kind of violation is reported (once), and what
/// is allowed (an unanswered post or delete going either way) is not.
/// </summary>
public sealed class CrashVerifierTests
{
    private const string Queue = "q";
    private static readonly DateTime T0 = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_intact_listing_reports_nothing()
    {
        var (ledger, posted) = Posted(5);

        Verifier.Verify(ledger, Snapshot(posted.Select(Served)), T0);

        Assert.Equal(0, ledger.Findings.Total);
    }

    [Fact]
    public void A_missing_acknowledged_message_is_lost_once_over_several_verifications()
    {
        var (ledger, posted) = Posted(5);
        var listing = posted.Where(m => m.Sequence != 2).Select(Served).ToList();

        Verifier.Verify(ledger, Snapshot(listing), T0);
        Verifier.Verify(ledger, Snapshot(listing), T0.AddSeconds(1));

        Assert.Equal(1, ledger.Findings[Problem.Lost]);
        Assert.Equal(1, ledger.Findings.Total);
        Assert.Contains("p0/n2", ledger.Findings.Details[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_listed_twice_is_duplicated()
    {
        var (ledger, posted) = Posted(5);
        var listing = posted.Select(Served).ToList();
        listing.Insert(3, Served(posted[2]));

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.Equal(1, ledger.Findings[Problem.Duplicated]);
        Assert.Equal(0, ledger.Findings[Problem.Lost]);
    }

    [Fact]
    public void One_message_under_a_second_id_is_duplicated()
    {
        var (ledger, posted) = Posted(5);
        var listing = posted.Select(Served).Append(new ServedMessage("another-id", posted[1].Body)).ToList();

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.Equal(1, ledger.Findings[Problem.Duplicated]);
        Assert.Equal(1, ledger.Findings.Total);
    }

    [Fact]
    public void A_flipped_byte_is_corrupted()
    {
        var (ledger, posted) = Posted(5);
        var listing = posted.Select(Served).ToList();
        var torn = (byte[])posted[3].Body.Clone();
        var pad = Encoding.ASCII.GetString(torn).IndexOf("\"pad\":\"", StringComparison.Ordinal) + 7;
        torn[pad] = torn[pad] == (byte)'a' ? (byte)'b' : (byte)'a';
        listing[3] = new ServedMessage(posted[3].Id!, torn);

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.Equal(1, ledger.Findings[Problem.Corrupted]);
        Assert.Equal(1, ledger.Findings.Total);
        Assert.Contains("checksum mismatch", ledger.Findings.Details[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_body_is_corrupted()
    {
        var (ledger, posted) = Posted(3);
        var listing = posted.Select(Served).ToList();
        listing[0] = new ServedMessage(posted[0].Id!, posted[0].Body[..^10]);

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.Equal(1, ledger.Findings[Problem.Corrupted]);
        Assert.Equal(1, ledger.Findings.Total);
    }

    [Fact]
    public void A_self_consistent_body_that_differs_from_the_posted_one_is_corrupted()
    {
        var (ledger, posted) = Posted(3);
        var listing = posted.Select(Served).ToList();
        // Same producer and sequence, valid checksum, other padding: only the byte-for-byte comparison catches it.
        listing[1] = new ServedMessage(posted[1].Id!, new MessageBody(0, 1, 0, 3).Create(16, new Random(99)));

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.Equal(1, ledger.Findings[Problem.Corrupted]);
        Assert.Contains("differs from the one posted", ledger.Findings.Details[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_no_producer_sent_is_corrupted()
    {
        var (ledger, posted) = Posted(3);
        var listing = posted.Select(Served).Append(new ServedMessage("phantom", new MessageBody(7, 0, 0, 1).Create(8, new Random(1)))).ToList();

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.Equal(1, ledger.Findings[Problem.Corrupted]);
        Assert.Contains("no producer sent", ledger.Findings.Details[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_of_one_producer_out_of_order_are_reordered()
    {
        var (ledger, posted) = Posted(5);
        var listing = posted.Select(Served).ToList();
        (listing[1], listing[3]) = (listing[3], listing[1]);

        Verifier.Verify(ledger, Snapshot(listing), T0);

        Assert.True(ledger.Findings[Problem.Reordered] >= 1);
        Assert.Equal(ledger.Findings[Problem.Reordered], ledger.Findings.Total);
    }

    [Fact]
    public void A_message_whose_delete_got_204_must_not_come_back()
    {
        var (ledger, posted) = Posted(4);
        ledger.RecordDelete(posted[1], DeleteOutcome.Deleted, T0);

        Verifier.Verify(ledger, Snapshot(posted.Select(Served)), T0.AddSeconds(1));

        Assert.Equal(1, ledger.Findings[Problem.Resurrected]);
        Assert.Equal(1, ledger.Findings.Total);
    }

    [Fact]
    public void A_refused_delete_changes_nothing_and_a_deleted_message_may_be_absent()
    {
        var (ledger, posted) = Posted(4);
        ledger.RecordDelete(posted[0], DeleteOutcome.Refused, T0);
        ledger.RecordDelete(posted[1], DeleteOutcome.Deleted, T0);

        Verifier.Verify(ledger, Snapshot(posted.Where(m => m.Sequence != 1).Select(Served)), T0.AddSeconds(1));
        Assert.Equal(0, ledger.Findings.Total);

        Verifier.Verify(ledger, Snapshot(posted.Where(m => m.Sequence > 1).Select(Served)), T0.AddSeconds(2));
        Assert.Equal(1, ledger.Findings[Problem.Lost]);
    }

    [Fact]
    public void Stats_that_disagree_with_the_listing_are_a_mismatch()
    {
        var (ledger, posted) = Posted(4);

        Verifier.Verify(ledger, Snapshot(posted.Select(Served), total: 5), T0);
        Verifier.Verify(ledger, new QueueSnapshot(Queue, [.. posted.Select(Served)], new QueueStats(1, 1, 4), [], []), T0.AddSeconds(1));

        Assert.Equal(2, ledger.Findings[Problem.StatsMismatch]);
        Assert.Equal(2, ledger.Findings.Total);
    }

    [Fact]
    public void Reading_by_id_must_agree_with_the_listing()
    {
        var (ledger, posted) = Posted(4);
        var listing = posted.Select(Served).ToList();
        var other = new ServedMessage(posted[2].Id!, posted[3].Body);

        Verifier.Verify(ledger, new QueueSnapshot(Queue, listing, Stats(4), [posted[1].Id!, posted[2].Id!], [other]), T0);

        Assert.Equal(1, ledger.Findings[Problem.Lost]);
        Assert.Equal(1, ledger.Findings[Problem.Corrupted]);
    }

    [Fact]
    public void An_unanswered_post_may_land_or_not_but_once_settled_it_stays_settled()
    {
        var (ledger, posted) = Posted(2);
        var landed = Sent(2, 5);
        var vanished = Sent(3, 5);
        ledger.RecordSent([landed, vanished]);

        // The in-doubt messages appear with ids the ledger never heard: no problem either way.
        var listing = posted.Select(Served).Append(new ServedMessage("landed-id", landed.Body)).ToList();
        Verifier.Verify(ledger, Snapshot(listing), T0);
        Assert.Equal(0, ledger.Findings.Total);
        Assert.Equal("landed-id", landed.Id);
        Assert.True(landed.MustBePresent);
        Assert.True(vanished.Deleted);

        // Settled: the one that landed must stay, the one that did not must never appear.
        var later = posted.Select(Served).Append(new ServedMessage("vanished-id", vanished.Body)).ToList();
        Verifier.Verify(ledger, Snapshot(later), T0.AddSeconds(1));
        Assert.Equal(1, ledger.Findings[Problem.Lost]);
        Assert.Equal(1, ledger.Findings[Problem.Resurrected]);
    }

    [Fact]
    public void An_unanswered_delete_may_land_or_not()
    {
        var (ledger, posted) = Posted(4);
        ledger.RecordDelete(posted[0], DeleteOutcome.Unknown, T0);
        ledger.RecordDelete(posted[1], DeleteOutcome.Unknown, T0);

        Verifier.Verify(ledger, Snapshot(posted.Where(m => m.Sequence != 1).Select(Served)), T0.AddSeconds(1));

        Assert.Equal(0, ledger.Findings.Total);
        Assert.True(posted[0].MustBePresent);
        Assert.True(posted[1].Deleted);
    }

    [Fact]
    public void A_claim_handing_out_a_deleted_or_torn_message_is_reported()
    {
        var (ledger, posted) = Posted(3);
        ledger.RecordDelete(posted[0], DeleteOutcome.Deleted, T0);
        var torn = new ServedMessage(posted[2].Id!, posted[2].Body[..^3]);

        ledger.RecordClaim(Claim("c1", T0.AddSeconds(1), posted[0].Id!, posted[2].Id!), [Served(posted[0]), torn]);

        Assert.Equal(1, ledger.Findings[Problem.Resurrected]);
        Assert.Equal(1, ledger.Findings[Problem.Corrupted]);
    }

    [Fact]
    public void A_claim_learns_the_id_of_a_message_whose_post_is_unanswered()
    {
        var (ledger, _) = Posted(1);
        var pending = Sent(1, 1);
        ledger.RecordSent([pending]);

        ledger.RecordClaim(Claim("c1", T0, "pending-id"), [new ServedMessage("pending-id", pending.Body)]);
        ledger.RecordPosted([pending], ["pending-id"]);

        Assert.Equal("pending-id", pending.Id);
        Assert.Equal(0, ledger.Findings.Total);
    }

    [Fact]
    public void Two_claims_holding_one_message_within_the_ttl_overlap()
    {
        var findings = new Findings();
        ClaimChecker.Check([Claim("a", T0, "m1", "m2"), Claim("b", T0.AddSeconds(30), "m2")], findings);

        Assert.Equal(1, findings[Problem.ClaimOverlap]);
        Assert.Contains("m2", findings.Details[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_claims_handing_out_one_message_overlap()
    {
        var findings = new Findings();
        ClaimChecker.Check([Claim("a", T0, "m1"), Claim("b", T0.AddMilliseconds(-5), "m1")], findings);

        Assert.Equal(1, findings[Problem.ClaimOverlap]);
    }

    [Fact]
    public void A_message_claimed_again_after_the_first_claim_expired_is_no_overlap()
    {
        var findings = new Findings();
        ClaimChecker.Check([Claim("a", T0, "m1"), Claim("b", T0.AddSeconds(61), "m1"), Claim("c", T0.AddSeconds(122), "m1")], findings);

        Assert.Equal(0, findings.Total);
    }

    [Fact]
    public void A_claim_answered_so_late_that_its_grant_time_is_uncertain_is_not_counted()
    {
        // Granted somewhere in a 20 s window ending after the first claim expired: not surely an overlap.
        var findings = new Findings();
        var slow = new ClaimRecord("b", Queue, ["m1"], T0.AddSeconds(45), T0.AddSeconds(65), 60);
        ClaimChecker.Check([Claim("a", T0, "m1"), slow], findings);

        Assert.Equal(0, findings.Total);
    }

    [Fact]
    public void The_summary_line_names_every_count_and_fails_on_any_problem()
    {
        var clean = new CampaignResult(20, 20, 123, 45, 6, new Findings(), null, 7, 12.3);
        Assert.True(clean.Passed);
        Assert.StartsWith("crash campaign: 20 rounds, 123 acknowledged writes, lost 0, duplicated 0, corrupted 0; reordered 0, resurrected 0, claim overlaps 0, stats mismatches 0", clean.Summary(), StringComparison.Ordinal);

        var findings = new Findings();
        findings.Add(Problem.Lost, "x", "lost x");
        Assert.False((clean with { Findings = findings }).Passed);
        Assert.Contains("lost 1,", (clean with { Findings = findings }).Summary(), StringComparison.Ordinal);
        Assert.False((clean with { Rounds = 19 }).Passed);
        Assert.False((clean with { AcknowledgedWrites = 0 }).Passed);
        Assert.False((clean with { ServerFailure = "did not start" }).Passed);
    }

    [Theory]
    [InlineData("--rounds", "0")]
    [InlineData("--producers", "x")]
    [InlineData("--max-seconds", "100000")]
    [InlineData("--bogus", "1")]
    public void Bad_options_are_refused(string name, string value)
    {
        Assert.Throws<UsageException>(() => CrashOptions.Parse([name, value]));
    }

    [Fact]
    public void Options_default_to_twenty_rounds_and_parse()
    {
        Assert.Equal(20, CrashOptions.Parse([]).Rounds);
        var options = CrashOptions.Parse(["--rounds", "3", "--seed", "42", "--port", "19400", "--keep", "--min-run-ms", "10", "--max-run-ms", "20"]);
        Assert.Equal((3, 42, 19400, true, 10, 20), (options.Rounds, options.Seed, options.Port, options.Keep, options.MinRunMs, options.MaxRunMs));
        Assert.Throws<UsageException>(() => CrashOptions.Parse(["--min-run-ms", "30", "--max-run-ms", "20"]));
    }

    /// <summary>A ledger holding <paramref name="count"/> messages of producer 0 in one acknowledged batch, ids "id0"...</summary>
    private static (Ledger Ledger, List<SentMessage> Posted) Posted(int count)
    {
        var ledger = new Ledger(new Findings());
        var posted = Enumerable.Range(0, count).Select(n => Sent(0, n, count)).ToList();
        ledger.RecordSent(posted);
        ledger.RecordPosted(posted, [.. posted.Select(m => $"id{m.Sequence}")]);
        return (ledger, posted);
    }

    private static SentMessage Sent(int producer, long sequence, int batchCount = 1) =>
        new(Queue, producer, sequence, new MessageBody(producer, sequence, 0, batchCount).Create(16 + (int)sequence, new Random((int)sequence)));

    private static ServedMessage Served(SentMessage message) => new(message.Id!, message.Body);

    private static QueueStats Stats(long total) => new(total, 0, total);

    private static QueueSnapshot Snapshot(IEnumerable<ServedMessage> listing, long? total = null)
    {
        var list = listing.ToList();
        return new QueueSnapshot(Queue, list, Stats(total ?? list.Count), [], []);
    }

    /// <summary>A claim answered 10 ms after it was sent, ttl 60 s.</summary>
    private static ClaimRecord Claim(string id, DateTime sentAt, params string[] messageIds) =>
        new(id, Queue, messageIds, sentAt, sentAt.AddMilliseconds(10), 60);
}
