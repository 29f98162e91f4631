using Marconi.Core.Model;

namespace Marconi.Storage.Faster.Telemetry;

/// <summary>
/// The durations of the most recent commits (<see cref="Capacity"/> of them), for /health. One writer (the commit
/// thread) records; readers take a summary at any time and may see a sample being replaced, which is harmless here.
/// </summary>
internal sealed class CommitLatencyWindow
{
    /// <summary>How many commits the window covers.</summary>
    public const int Capacity = 256;

    private readonly long[] _samples = new long[Capacity];
    private long _recorded;

    /// <summary>Records one commit's duration.</summary>
    public void Record(double seconds)
    {
        var index = Volatile.Read(ref _recorded);
        Volatile.Write(ref _samples[index % Capacity], BitConverter.DoubleToInt64Bits(seconds));
        Volatile.Write(ref _recorded, index + 1);
    }

    /// <summary>Last, mean, p99 (nearest rank) and max of the window, or null before the first commit.</summary>
    public CommitLatency? Summarize()
    {
        var recorded = Volatile.Read(ref _recorded);
        if (recorded == 0)
        {
            return null;
        }

        var count = (int)Math.Min(recorded, Capacity);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BitConverter.Int64BitsToDouble(Volatile.Read(ref _samples[i]));
        }

        var last = BitConverter.Int64BitsToDouble(Volatile.Read(ref _samples[(recorded - 1) % Capacity]));
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        Array.Sort(values);
        var p99Rank = (int)Math.Ceiling(0.99 * count) - 1;
        return new CommitLatency(count, last, sum / count, values[Math.Clamp(p99Rank, 0, count - 1)], values[^1]);
    }
}
