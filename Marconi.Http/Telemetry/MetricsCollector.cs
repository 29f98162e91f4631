using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Marconi.Http.Telemetry;

/// <summary>
/// Listens to Marconi's meters (engine, store, HTTP) and keeps running totals per series, for the Prometheus text at
/// <c>/metrics</c> and for the statsd push. Recording costs a dictionary lookup and an interlocked add, no allocation
/// once a series exists.
/// </summary>
/// <remarks>
/// Series are capped (<see cref="MaxSeries"/>): a tenant creating queues without end must not grow the server's memory
/// without end through its metrics. Measurements for a new series past the cap are added to one series per instrument
/// whose tag values are all <see cref="OverflowLabel"/>.
/// </remarks>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>The tag value of the series that collects measurements past the cap.</summary>
    public const string OverflowLabel = "_overflow";

    private static readonly string[] MeterNames = ["Marconi.Core", "Marconi.Storage.Faster", HttpMetrics.MeterName];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new();
    private int _seriesCount;

    /// <summary>Starts listening to Marconi's meters.</summary>
    /// <param name="maxSeries">How many distinct series to keep before folding new ones into the overflow series.</param>
    public MetricsCollector(int maxSeries = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeries, 1);
        MaxSeries = maxSeries;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Array.IndexOf(MeterNames, instrument.Meter.Name) >= 0)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument is ObservableGauge<long>)
            {
                Series(instrument, tags).Set(value);
            }
            else
            {
                Series(instrument, tags).Add(value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Series(instrument, tags).Record(value));
        _listener.Start();
    }

    /// <summary>How many distinct series are kept before new ones go to the overflow series.</summary>
    public int MaxSeries { get; }

    /// <summary>The series collected so far (gauges observed now), ordered by metric name and tag values.</summary>
    internal IReadOnlyList<MetricSeries> Snapshot()
    {
        _listener.RecordObservableInstruments();
        return SortedSeries();
    }

    private List<MetricSeries> SortedSeries()
        => [.. _series.Values.OrderBy(s => s.Key.Instrument.Name, StringComparer.Ordinal)
            .ThenBy(s => s.Key.First, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Second, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Third, StringComparer.Ordinal)];

    /// <summary>The Prometheus text exposition (format 0.0.4) of every series.</summary>
    public string RenderPrometheus()
    {
        var text = new StringBuilder();
        Instrument? current = null;
        foreach (var series in Snapshot())
        {
            var instrument = series.Key.Instrument;
            var name = PrometheusName(instrument, series.IsHistogram || series.IsGauge);
            if (!ReferenceEquals(instrument, current) && (current is null || current.Name != instrument.Name))
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
                text.Append("# TYPE ").Append(name).Append(series.IsHistogram ? " histogram\n" : series.IsGauge ? " gauge\n" : " counter\n");
            }

            current = instrument;
            if (!series.IsHistogram)
            {
                AppendSample(text, name, series, null, series.Count.ToString(CultureInfo.InvariantCulture));
                continue;
            }

            long cumulative = 0;
            for (var i = 0; i < series.BucketCount; i++)
            {
                cumulative += series.Bucket(i);
                var bound = i < MetricSeries.BucketBounds.Length ? MetricSeries.BucketBounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                AppendSample(text, name + "_bucket", series, bound, cumulative.ToString(CultureInfo.InvariantCulture));
            }

            AppendSample(text, name + "_sum", series, null, series.Sum.ToString("R", CultureInfo.InvariantCulture));
            AppendSample(text, name + "_count", series, null, series.Count.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// The Prometheus name of an instrument: dots to underscores, seconds end in _seconds, bytes in _bytes, counters
    /// in _total (<paramref name="notCounter"/> for histograms and gauges).
    /// </summary>
    internal static string PrometheusName(Instrument instrument, bool notCounter)
    {
        var name = instrument.Name.Replace('.', '_');
        name += instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => string.Empty,
        };

        return notCounter ? name : name + "_total";
    }

    private MetricSeries Series(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = new SeriesKey(instrument, Tag(tags, 0), Tag(tags, 1), Tag(tags, 2));
        if (_series.TryGetValue(key, out var series))
        {
            return series;
        }

        var names = new string?[] { TagName(tags, 0), TagName(tags, 1), TagName(tags, 2) };
        if (Interlocked.Increment(ref _seriesCount) > MaxSeries)
        {
            Interlocked.Decrement(ref _seriesCount);
            key = new SeriesKey(instrument, names[0] is null ? null : OverflowLabel, names[1] is null ? null : OverflowLabel, names[2] is null ? null : OverflowLabel);
        }

        var histogram = instrument is Histogram<double>;
        var gauge = instrument is ObservableGauge<long>;
        return _series.GetOrAdd(key, static (k, state) => new MetricSeries(k, state.names, state.histogram, state.gauge), (names, histogram, gauge));
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, int index)
        => index < tags.Length ? tags[index].Value as string : null;

    private static string? TagName(ReadOnlySpan<KeyValuePair<string, object?>> tags, int index)
        => index < tags.Length ? tags[index].Key : null;

    private static void AppendSample(StringBuilder text, string name, MetricSeries series, string? bucketBound, string value)
    {
        text.Append(name);
        var any = false;
        void Label(string labelName, string labelValue)
        {
            text.Append(any ? "," : "{").Append(labelName).Append("=\"");
            foreach (var c in labelValue)
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }

            text.Append('"');
            any = true;
        }

        string?[] values = [series.Key.First, series.Key.Second, series.Key.Third];
        for (var i = 0; i < values.Length; i++)
        {
            if (series.TagNames[i] is { } tagName && values[i] is { } tagValue)
            {
                Label(tagName, tagValue);
            }
        }

        if (bucketBound is not null)
        {
            Label("le", bucketBound);
        }

        text.Append(any ? "} " : " ").Append(value).Append('\n');
    }
}
