using Marconi.Benchmarks.Soak;

namespace Marconi.Tests.Benchmarks;

/// <summary>The soak's verdict: flat windows pass, and each rule fails on the drift it is there to catch.</summary>
public sealed class SoakVerdictTests
{
    private const double Target = 1000;
    private const long Segment = 256L << 20;

    private static List<SoakWindow> Windows(int count, Func<int, SoakWindow, SoakWindow>? change = null) =>
        Enumerable.Range(0, count)
            .Select(i =>
            {
                var flat = new SoakWindow(i, 10 * (i + 1), 1400, 950, 1.5, 20, 25, 0, 200_000_000, 30_000_000);
                return change is null ? flat : change(i, flat);
            })
            .ToList();

    private static SoakRule Rule(IReadOnlyList<SoakRule> rules, string name) => rules.Single(r => r.Name == name);

    [Fact]
    public void Flat_windows_pass_every_rule_even_with_one_noisy_window_and_a_heavy_warm_up()
    {
        var windows = Windows(12, (i, w) => i switch
        {
            0 => w with { RssBytes = 50_000_000, DiskBytes = 1_000_000, P99Ms = 400 },
            11 => w with { P99Ms = 300 },
            _ => w,
        });
        var rules = SoakVerdict.Judge(windows, Target, Segment);
        Assert.All(rules, r => Assert.True(r.Passed, r.Name + ": " + r.Detail));
    }

    [Fact]
    public void Growing_memory_disk_or_latency_fail_their_rule()
    {
        // Everything grows 10% a window: by the last third well over 20% above the first.
        var growing = Windows(15, (i, w) => w with
        {
            RssBytes = (long)(w.RssBytes * Math.Pow(1.1, i)),
            DiskBytes = (long)(w.DiskBytes * Math.Pow(1.15, i)),
            P99Ms = w.P99Ms * Math.Pow(1.1, i),
        });
        var rules = SoakVerdict.Judge(growing, Target, 16L << 20);
        Assert.False(Rule(rules, "RSS flat").Passed);
        Assert.False(Rule(rules, "disk flat").Passed);
        Assert.False(Rule(rules, "post p99 not drifting").Passed);
        Assert.True(Rule(rules, "rate held").Passed);
    }

    [Fact]
    public void Disk_growth_within_the_reclaim_lag_passes_and_says_so_but_not_beyond_it()
    {
        // 8 MB a window, 30 windows: 270 MB, under 3 segments of 256 MiB, so the store has not reclaimed yet.
        var lagging = SoakVerdict.Judge(Windows(30, (i, w) => w with { DiskBytes = 20_000_000 + (i * 8_000_000L) }), Target, Segment);
        var disk = Rule(lagging, "disk flat");
        Assert.True(disk.Passed);
        Assert.Contains("reclaim lag", disk.Detail, StringComparison.Ordinal);

        Assert.Equal(0, SoakVerdict.Reclamations(Windows(30, (i, w) => w with { DiskBytes = 20_000_000 + (i * 8_000_000L) })));
        Assert.Equal(1, SoakVerdict.Reclamations(Windows(30, (i, w) => w with { DiskBytes = 20_000_000 + ((i % 20) * 8_000_000L) })));

        // The same growth with 16 MiB segments is past the lag: a leak.
        var leaking = SoakVerdict.Judge(Windows(30, (i, w) => w with { DiskBytes = 20_000_000 + (i * 8_000_000L) }), Target, 16L << 20);
        Assert.False(Rule(leaking, "disk flat").Passed);
    }

    [Fact]
    public void A_missed_rate_errors_or_too_few_windows_fail()
    {
        var slow = SoakVerdict.Judge(Windows(9, (_, w) => w with { PacedRequestsPerSecond = 600 }), Target, Segment);
        Assert.False(Rule(slow, "rate held").Passed);

        var failing = SoakVerdict.Judge(Windows(9, (i, w) => i == 4 ? w with { Errors = 3 } : w), Target, Segment);
        Assert.False(Rule(failing, "no request errors").Passed);

        var short_ = SoakVerdict.Judge(Windows(3), Target, Segment);
        Assert.False(Assert.Single(short_).Passed);
    }
}
