using System.Diagnostics.Metrics;

namespace Marconi.Http.Telemetry;

/// <summary>One instrument's tag values (at most three, in the order the instrument is recorded with).</summary>
internal readonly record struct SeriesKey(Instrument Instrument, string? First, string? Second, string? Third);

/// <summary>The running totals of one series: a counter's sum, or a histogram's buckets, count and sum.</summary>
internal sealed class MetricSeries
{
    /// <summary>Upper bounds of the histogram buckets, in the instrument's unit (seconds for durations).</summary>
    internal static readonly double[] BucketBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[]? _buckets;
    private long _count;
    private long _sumBits;

    public MetricSeries(SeriesKey key, string?[] tagNames, bool histogram, bool gauge = false)
    {
        Key = key;
        TagNames = tagNames;
        _buckets = histogram ? new long[BucketBounds.Length + 1] : null;
        IsGauge = gauge;
    }

    public SeriesKey Key { get; }

    /// <summary>The tag names matching <see cref="SeriesKey.First"/>, <see cref="SeriesKey.Second"/>, <see cref="SeriesKey.Third"/>.</summary>
    public string?[] TagNames { get; }

    public bool IsHistogram => _buckets is not null;

    /// <summary>A gauge: <see cref="Count"/> is the last value observed, not a running sum.</summary>
    public bool IsGauge { get; }

    /// <summary>Measurements seen (histograms), the counter's sum or the gauge's value.</summary>
    public long Count => Volatile.Read(ref _count);

    public double Sum => BitConverter.Int64BitsToDouble(Volatile.Read(ref _sumBits));

    /// <summary>The non-cumulative count of bucket <paramref name="index"/> (the last one is +Inf).</summary>
    public long Bucket(int index) => Volatile.Read(ref _buckets![index]);

    public int BucketCount => _buckets?.Length ?? 0;

    public void Add(long value) => Interlocked.Add(ref _count, value);

    /// <summary>A gauge's observed value.</summary>
    public void Set(long value) => Volatile.Write(ref _count, value);

    public void Record(double value)
    {
        var index = 0;
        while (index < BucketBounds.Length && value > BucketBounds[index])
        {
            index++;
        }

        Interlocked.Increment(ref _buckets![index]);
        Interlocked.Increment(ref _count);
        long seen;
        long updated;
        do
        {
            seen = Volatile.Read(ref _sumBits);
            updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref _sumBits, updated, seen) != seen);
    }
}
