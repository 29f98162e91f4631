using System.Globalization;

namespace Marconi.Crash;

/// <summary>The outcome of a campaign: what it did and what it found.</summary>
/// <param name="RoundsPlanned">Rounds asked for.</param>
/// <param name="Rounds">Rounds completed (kill, restart and verification).</param>
/// <param name="AcknowledgedWrites">Messages whose POST was answered 201.</param>
/// <param name="AcknowledgedDeletes">Messages whose DELETE was answered 204.</param>
/// <param name="Claims">Claims granted.</param>
/// <param name="Findings">The violations.</param>
/// <param name="ServerFailure">Why the server could not be run to the end (did not start, exited by itself), or null.</param>
/// <param name="Seed">The campaign's seed.</param>
/// <param name="Seconds">Wall-clock duration.</param>
internal sealed record CampaignResult(
    int RoundsPlanned, int Rounds, long AcknowledgedWrites, long AcknowledgedDeletes, int Claims, Findings Findings, string? ServerFailure, int Seed, double Seconds)
{
    /// <summary>Nothing found, every planned round done, and something was acknowledged (else the run proved nothing).</summary>
    public bool Passed => Findings.Total == 0 && ServerFailure is null && Rounds == RoundsPlanned && AcknowledgedWrites > 0;

    /// <summary>The one summary line.</summary>
    public string Summary()
    {
        var f = Findings;
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"crash campaign: {Rounds} rounds, {AcknowledgedWrites} acknowledged writes, lost {f[Problem.Lost]}, duplicated {f[Problem.Duplicated]}, " +
            $"corrupted {f[Problem.Corrupted]}; reordered {f[Problem.Reordered]}, resurrected {f[Problem.Resurrected]}, claim overlaps {f[Problem.ClaimOverlap]}, " +
            $"stats mismatches {f[Problem.StatsMismatch]} ({AcknowledgedDeletes} acknowledged deletes, {Claims} claims, seed {Seed}, {Seconds:F0} s)");
        if (Rounds < RoundsPlanned)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; stopped after {Rounds} of {RoundsPlanned} rounds");
        }

        return ServerFailure is null ? line : line + "; server failed";
    }
}
