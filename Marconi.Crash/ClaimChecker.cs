using System.Globalization;

namespace Marconi.Crash;

/// <summary>
/// Finds messages handed out by two claims whose lifetimes surely overlapped. A claim is granted at some moment
/// between its request's sending and its answer's arrival, and holds its messages for its ttl from then; two claims on
/// one message overlap for sure when, wherever in those windows the grants fell, each came before the other expired:
/// <c>B.ReceivedAt - A.SentAt &lt; A.ttl</c> and <c>A.ReceivedAt - B.SentAt &lt; B.ttl</c> (minus a tolerance for the
/// server's and this tool's clock readings). A deleted message cannot be claimed again at all; that is the
/// ledger's resurrection check.
/// </summary>
internal static class ClaimChecker
{
    /// <summary>Slack for clock granularity between the server's expiry arithmetic and this tool's timestamps.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Adds a <see cref="Problem.ClaimOverlap"/> for each message two overlapping claims both held; returns how many
    /// pairs of claims on one message were compared (how much the check had to go on).
    /// </summary>
    public static int Check(IReadOnlyList<ClaimRecord> claims, Findings findings)
    {
        var byMessage = new Dictionary<string, List<ClaimRecord>>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            foreach (var id in claim.MessageIds)
            {
                if (!byMessage.TryGetValue(id, out var list))
                {
                    byMessage[id] = list = [];
                }

                list.Add(claim);
            }
        }

        var pairs = 0;
        foreach (var (id, holders) in byMessage)
        {
            for (var i = 0; i < holders.Count; i++)
            {
                for (var j = i + 1; j < holders.Count; j++)
                {
                    pairs++;
                    var a = holders[i];
                    var b = holders[j];
                    if (SurelyOverlap(a, b))
                    {
                        findings.Add(
                            Problem.ClaimOverlap,
                            $"{id} {a.ClaimId} {b.ClaimId}",
                            string.Create(CultureInfo.InvariantCulture,
                                $"{a.Queue}: message {id} was handed out by claim {a.ClaimId} (sent {a.SentAt:HH:mm:ss.fff}, ttl {a.TtlSeconds} s) and by claim {b.ClaimId} (sent {b.SentAt:HH:mm:ss.fff}) while the first still held it"));
                    }
                }
            }
        }

        return pairs;
    }

    /// <summary>Whether the two claims' holding intervals overlap wherever in their request windows the grants fell.</summary>
    public static bool SurelyOverlap(ClaimRecord a, ClaimRecord b) =>
        b.ReceivedAt - a.SentAt < TimeSpan.FromSeconds(a.TtlSeconds) - Tolerance &&
        a.ReceivedAt - b.SentAt < TimeSpan.FromSeconds(b.TtlSeconds) - Tolerance;
}
