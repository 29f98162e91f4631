namespace Marconi.Crash;

/// <summary>The kinds of violation the campaign counts; any of them makes the run fail.</summary>
internal enum Problem
{
    /// <summary>A message the server acknowledged (or handed out in a claim) is gone without an acknowledged delete.</summary>
    Lost,

    /// <summary>A message is listed twice, or one producer message is served under two ids.</summary>
    Duplicated,

    /// <summary>A body that fails its checksum, differs from what was posted, or that no producer ever sent.</summary>
    Corrupted,

    /// <summary>One producer's messages are listed out of posting order.</summary>
    Reordered,

    /// <summary>A message whose delete was acknowledged (or that a verification found absent) is served again.</summary>
    Resurrected,

    /// <summary>Two claims whose lifetimes surely overlapped were both handed the same message.</summary>
    ClaimOverlap,

    /// <summary>A queue's stats disagree with its listing.</summary>
    StatsMismatch,
}

/// <summary>
/// The violations found so far, counted once per message and kind (a message lost in round 3 is not counted again in
/// every later round), with a readable line for each.
/// </summary>
internal sealed class Findings(Action<string>? onProblem = null)
{
    private const int MaxDetails = 1000;

    private readonly Lock _lock = new();
    private readonly int[] _counts = new int[Enum.GetValues<Problem>().Length];
    private readonly HashSet<(Problem, string)> _seen = [];
    private readonly List<string> _details = [];

    /// <summary>Records a violation of <paramref name="kind"/> about <paramref name="subject"/>; a repeat of the same pair is ignored.</summary>
    public void Add(Problem kind, string subject, string detail)
    {
        string line;
        lock (_lock)
        {
            if (!_seen.Add((kind, subject)))
            {
                return;
            }

            _counts[(int)kind]++;
            line = $"{kind}: {detail}";
            if (_details.Count < MaxDetails)
            {
                _details.Add(line);
            }
        }

        onProblem?.Invoke(line);
    }

    /// <summary>How many violations of one kind were found.</summary>
    public int this[Problem kind]
    {
        get
        {
            lock (_lock)
            {
                return _counts[(int)kind];
            }
        }
    }

    /// <summary>All violations found.</summary>
    public int Total
    {
        get
        {
            lock (_lock)
            {
                return _counts.Sum();
            }
        }
    }

    /// <summary>The first violations' descriptions, in the order found.</summary>
    public IReadOnlyList<string> Details
    {
        get
        {
            lock (_lock)
            {
                return [.. _details];
            }
        }
    }
}
