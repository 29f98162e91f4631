using System.Globalization;

namespace Marconi.Benchmarks.Soak;

/// <summary>One rule of the verdict and whether the run kept it; <paramref name="Timing"/> rules judge speed.</summary>
public sealed record SoakRule(string Name, bool Passed, string Detail, bool Timing = false);

/// <summary>
/// The soak's rules. The first <see cref="WarmupWindows"/> windows are left out (JIT, the index and the FASTER log's
/// first segments filling); of the rest, the median of the last third is compared with the median of the first third,
/// so one noisy window (another agent's build on this shared machine) moves neither. Flat means: RSS and disk grow by
/// at most 20% (plus a small absolute allowance, since 20% of a small number is noise), except that disk may also grow
/// up to the store's reclaim lag: the FASTER store truncates its log only once the head is two segments behind the
/// tail (<see cref="ReclaimLagSegments"/> with the one being written), so until a run has written that much a leak and
/// the designed lag look the same, and the rule says which bound it applied; post p99 by at most 50% plus
/// 2 ms (latency on a shared 2-core VM swings far more than memory does); the windows' median rate is at least 80% of
/// the target rate of the paced roles (the pacer makes up at most a few missed slots after a slow answer, so the achieved
/// rate sits somewhat under the target even on a healthy server); and no request fails.
/// </summary>
public static class SoakVerdict
{
    public const int WarmupWindows = 1;
    public const double GrowthAllowed = 1.20;
    public const long RssSlackBytes = 16_000_000;
    public const long DiskSlackBytes = 64_000_000;
    public const double LatencyGrowthAllowed = 1.50;
    public const double LatencySlackMs = 2.0;
    public const double RateHeld = 0.80;

    /// <summary>Segments the store may hold before it reclaims: two behind the tail and the one being written.</summary>
    public const int ReclaimLagSegments = 3;

    /// <summary>The rules applied to the windows; empty lists and too few windows fail (nothing was shown flat).</summary>
    /// <param name="windows">The windows in order, the warm-up first.</param>
    /// <param name="targetRate">The --rate the paced roles were given.</param>
    /// <param name="segmentBytes">The store's log segment size.</param>
    public static IReadOnlyList<SoakRule> Judge(IReadOnlyList<SoakWindow> windows, double targetRate, long segmentBytes)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var judged = windows.Skip(WarmupWindows).ToList();
        if (judged.Count < 3)
        {
            return [new SoakRule("enough windows", false, $"{judged.Count} windows after warm-up; at least 3 are needed for thirds")];
        }

        var third = judged.Count / 3;
        var first = judged.Take(third).ToList();
        var last = judged.Skip(judged.Count - third).ToList();
        var c = CultureInfo.InvariantCulture;

        SoakRule Flat(string name, Func<SoakWindow, double> value, double factor, double slack, string unit, bool timing = false)
        {
            var before = Median(first.Select(value));
            var after = Median(last.Select(value));
            var limit = (before * factor) + slack;
            return new SoakRule(name, after <= limit, string.Create(c, $"first third median {before:F1} {unit}, last third {after:F1} {unit}, limit {limit:F1} {unit}"), timing);
        }

        var medianRate = Median(judged.Select(w => w.PacedRequestsPerSecond));
        var slowest = judged.MinBy(w => w.PacedRequestsPerSecond)!;
        var errors = judged.Sum(w => w.Errors) + windows.Take(WarmupWindows).Sum(w => w.Errors);
        return
        [
            Flat("RSS flat", w => w.RssBytes / 1e6, GrowthAllowed, RssSlackBytes / 1e6, "MB"),
            Disk(first, last, segmentBytes, Reclamations(windows)),
            Flat("post p99 not drifting", w => w.P99Ms, LatencyGrowthAllowed, LatencySlackMs, "ms", timing: true),
            new SoakRule("rate held", medianRate >= RateHeld * targetRate,
                string.Create(c, $"median {medianRate:F0} req/s of {targetRate:F0} (at least {RateHeld:P0}); slowest window {slowest.Index}: {slowest.PacedRequestsPerSecond:F0}"), Timing: true),
            new SoakRule("no request errors", errors == 0, string.Create(c, $"{errors} errors")),
        ];
    }

    /// <summary>Windows after which the data directory was at least 10% smaller than after the one before: log truncations.</summary>
    public static int Reclamations(IReadOnlyList<SoakWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var count = 0;
        for (var i = 1; i < windows.Count; i++)
        {
            if (windows[i].DiskBytes < windows[i - 1].DiskBytes * 0.9)
            {
                count++;
            }
        }

        return count;
    }

    private static SoakRule Disk(List<SoakWindow> first, List<SoakWindow> last, long segmentBytes, int reclamations)
    {
        var c = CultureInfo.InvariantCulture;
        var before = Median(first.Select(w => w.DiskBytes / 1e6));
        var after = Median(last.Select(w => w.DiskBytes / 1e6));
        var flat = (before * GrowthAllowed) + (DiskSlackBytes / 1e6);
        var lag = ((ReclaimLagSegments * segmentBytes) + DiskSlackBytes) / 1e6;
        var detail = string.Create(c, $"first third median {before:F1} MB, last third {after:F1} MB ({reclamations} reclamations seen); flat limit {flat:F1} MB");
        if (after <= flat)
        {
            return new SoakRule("disk flat", true, detail);
        }

        return after <= lag
            ? new SoakRule("disk flat", true, detail + string.Create(c, $" exceeded, but within the store's reclaim lag ({ReclaimLagSegments} segments of {segmentBytes / 1e6:F0} MB + slack = {lag:F0} MB): growth this size is the store's design, so it shows neither a leak nor flatness"))
            : new SoakRule("disk flat", false, detail + string.Create(c, $" and reclaim-lag limit {lag:F0} MB exceeded"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
