using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marconi.Http.Telemetry;

/// <summary>
/// Pushes what a <see cref="MetricsCollector"/> gathered to a statsd server over UDP, every interval: counters as
/// their increase since the last push (<c>name:delta|c</c>), histograms as two such counters, <c>name.count</c> and
/// <c>name.sum</c>, gauges as their value when it changed (<c>name:value|g</c>). Tags ride in the DogStatsD extension (<c>|#project:p,queue:q</c>), which Datadog's agent, Telegraf
/// (datadog_extensions) and statsd_exporter read; plain statsd ignores them.
/// </summary>
/// <remarks>UDP is fire-and-forget: a lost datagram loses that interval's increase, never blocks the server.</remarks>
public sealed class StatsdPusher : IAsyncDisposable
{
    // Fits a loopback or Ethernet MTU with room for headers; statsd servers read one datagram per packet.
    private const int MaxDatagram = 1400;

    private readonly MetricsCollector _collector;
    private readonly Socket _socket;
    private readonly Dictionary<SeriesKey, (long Count, double Sum)> _pushed = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeSpan _interval;

    /// <summary>Starts pushing to <paramref name="target"/> every <paramref name="interval"/>.</summary>
    public StatsdPusher(MetricsCollector collector, IPEndPoint target, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _collector = collector;
        _interval = interval;
        _socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(target);
        _loop = RunAsync();
    }

    /// <summary>Sends the increases since the last push now.</summary>
    public void Push()
    {
        lock (_pushed)
        {
            PushLocked();
        }
    }

    private void PushLocked()
    {
        var packet = new StringBuilder();
        foreach (var series in _collector.Snapshot())
        {
            var count = series.Count;
            var sum = series.Sum;
            _pushed.TryGetValue(series.Key, out var last);
            if (count == last.Count)
            {
                continue;
            }

            _pushed[series.Key] = (count, sum);
            var name = series.Key.Instrument.Name;
            var tags = Tags(series);
            if (series.IsGauge)
            {
                Append(packet, string.Create(CultureInfo.InvariantCulture, $"{name}:{count}|g{tags}"));
            }
            else if (series.IsHistogram)
            {
                Append(packet, $"{name}.count:{count - last.Count}|c{tags}");
                Append(packet, $"{name}.sum:{(sum - last.Sum).ToString("R", CultureInfo.InvariantCulture)}|c{tags}");
            }
            else
            {
                Append(packet, $"{name}:{count - last.Count}|c{tags}");
            }
        }

        Send(packet);
    }

    /// <summary>Stops the loop after a last push.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Push();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Push();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Append(StringBuilder packet, string line)
    {
        if (packet.Length > 0 && packet.Length + 1 + line.Length > MaxDatagram)
        {
            Send(packet);
        }

        if (packet.Length > 0)
        {
            packet.Append('\n');
        }

        packet.Append(line);
    }

    private void Send(StringBuilder packet)
    {
        if (packet.Length == 0)
        {
            return;
        }

        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(packet.ToString()));
        }
        catch (SocketException)
        {
            // Nobody listening (ICMP port unreachable) or a full buffer: statsd over UDP is best effort.
        }

        packet.Clear();
    }

    private static string Tags(MetricSeries series)
    {
        var text = new StringBuilder();
        string?[] values = [series.Key.First, series.Key.Second, series.Key.Third];
        for (var i = 0; i < values.Length; i++)
        {
            if (series.TagNames[i] is { } name && values[i] is { } value)
            {
                text.Append(text.Length == 0 ? "|#" : ",").Append(name).Append(':').Append(Sanitize(value));
            }
        }

        return text.ToString();
    }

    // '|', ',', '#' and newlines delimit the line format; ':' is kept (DogStatsD splits a tag at its first one).
    private static string Sanitize(string value)
        => value.AsSpan().IndexOfAny("|,#\n\r") < 0 ? value : string.Create(value.Length, value, static (span, v) =>
        {
            for (var i = 0; i < v.Length; i++)
            {
                span[i] = v[i] is '|' or ',' or '#' or '\n' or '\r' ? '_' : v[i];
            }
        });
}
