using HdrHistogram;

namespace Marconi.Load;

/// <summary>The kinds of load request, each with its own latency histogram.</summary>
internal enum RequestKind
{
    Post,
    Claim,
    Delete,
    List,
}

/// <summary>The roles a worker plays.</summary>
internal enum Role
{
    Producer,
    Consumer,
    Observer,
}

/// <summary>
/// What one worker (or, merged, one role or the whole run) counted. A worker owns its instance alone, so recording
/// takes no lock; the run merges them when every worker has stopped. Latency is in microseconds.
/// </summary>
internal sealed class RunStats
{
    /// <summary>60 s in microseconds: longer samples are clamped (the request timeout is shorter by default).</summary>
    public const long HighestMicroseconds = 60_000_000;

    public static readonly int KindCount = Enum.GetValues<RequestKind>().Length;

    private readonly LongHistogram?[] _latency = new LongHistogram?[KindCount];

    /// <summary>Successful requests started inside the measured window, by kind.</summary>
    public long[] WindowRequests { get; } = new long[KindCount];

    /// <summary>Requests of every outcome over the whole run (warm-up included), by kind.</summary>
    public long[] TotalRequests { get; } = new long[KindCount];

    public long Posted { get; set; }
    public long Claimed { get; set; }
    public long Deleted { get; set; }
    public long Listed { get; set; }

    /// <summary>Claims answered 204 (nothing to claim) in the window.</summary>
    public long EmptyClaims { get; set; }

    /// <summary>List pages with no message in the window (the observer restarts at the head).</summary>
    public long EmptyPages { get; set; }

    /// <summary>Errors over the whole run, keyed "kind cause" (an HTTP status or an exception class).</summary>
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public LongHistogram Latency(RequestKind kind) =>
        _latency[(int)kind] ??= new LongHistogram(HighestMicroseconds, 3);

    public bool HasLatency(RequestKind kind) => _latency[(int)kind] is { TotalCount: > 0 };

    public void RecordLatency(RequestKind kind, long microseconds) =>
        Latency(kind).RecordValue(Math.Clamp(microseconds, 1, HighestMicroseconds));

    public void AddError(RequestKind kind, string cause)
    {
        var key = Name(kind) + " " + cause;
        Errors[key] = Errors.GetValueOrDefault(key) + 1;
    }

    public void Merge(RunStats other)
    {
        for (var k = 0; k < KindCount; k++)
        {
            WindowRequests[k] += other.WindowRequests[k];
            TotalRequests[k] += other.TotalRequests[k];
            if (other._latency[k] is { } histogram)
            {
                Latency((RequestKind)k).Add(histogram);
            }
        }

        Posted += other.Posted;
        Claimed += other.Claimed;
        Deleted += other.Deleted;
        Listed += other.Listed;
        EmptyClaims += other.EmptyClaims;
        EmptyPages += other.EmptyPages;
        foreach (var (key, count) in other.Errors)
        {
            Errors[key] = Errors.GetValueOrDefault(key) + count;
        }
    }

    public long ErrorCount => Errors.Values.Sum();

    public static string Name(RequestKind kind) => kind switch
    {
        RequestKind.Post => "post",
        RequestKind.Claim => "claim",
        RequestKind.Delete => "delete",
        _ => "list",
    };

    public static string Name(Role role) => role switch
    {
        Role.Producer => "producers",
        Role.Consumer => "consumers",
        _ => "observers",
    };
}
