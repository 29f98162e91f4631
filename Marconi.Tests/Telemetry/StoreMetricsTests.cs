using System.Globalization;
using Marconi.Core.Model;
using Marconi.Http.Telemetry;
using Marconi.Tests.Support;

namespace Marconi.Tests.Telemetry;

/// <summary>
/// The store's metrics through the collector: expired messages per project and queue (time moved on the engine's fake
/// clock, not slept), the log-size gauge, compaction runs and reclaimed bytes. Meters are process-wide and other tests
/// run in parallel, so every assertion is about this test's own project or store directory.
/// </summary>
public sealed class StoreMetricsTests : IAsyncLifetime
{
    private readonly MetricsCollector _metrics = new();
    private readonly string _project = "store-metrics-" + Guid.NewGuid().ToString("N")[..12];
    private EngineHarness _harness = null!;

    public async Task InitializeAsync() =>
        _harness = await EngineHarness.CreateAsync(configure: o => o with { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 18 });

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _metrics.Dispose();
    }

    [Fact]
    public async Task Expired_messages_are_counted_per_project_and_queue_when_the_store_drops_them()
    {
        var engine = _harness.Engine;
        await engine.PostMessagesAsync(_project, "short", [Message(60), Message(60), Message(60)], Guid.NewGuid());
        await engine.PostMessagesAsync(_project, "long", [Message(600)], Guid.NewGuid());
        await _harness.Store.CompactAsync();
        Assert.DoesNotContain($"marconi_messages_expired_total{{project=\"{_project}\"", _metrics.RenderPrometheus(), StringComparison.Ordinal);

        _harness.AdvanceSeconds(61);
        await _harness.Store.CompactAsync();

        var text = _metrics.RenderPrometheus();
        Assert.Contains($"marconi_messages_expired_total{{project=\"{_project}\",queue=\"short\"}} 3\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"marconi_messages_expired_total{{project=\"{_project}\",queue=\"long\"}}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE marconi_messages_expired_total counter\n", text, StringComparison.Ordinal);

        _harness.AdvanceSeconds(600);
        await _harness.Store.CompactAsync();
        text = _metrics.RenderPrometheus();
        Assert.Contains($"marconi_messages_expired_total{{project=\"{_project}\",queue=\"short\"}} 3\n", text, StringComparison.Ordinal);
        Assert.Contains($"marconi_messages_expired_total{{project=\"{_project}\",queue=\"long\"}} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_size_gauge_follows_the_store()
    {
        await _harness.Engine.PostMessagesAsync(_project, "q", [Message(600)], Guid.NewGuid());
        var directory = Path.GetFullPath(_harness.Directory);

        var first = Gauge(_metrics.RenderPrometheus(), directory);
        Assert.Equal(_harness.Store.LogSizeBytes, first);
        Assert.True(first > 0);

        await _harness.Engine.PostMessagesAsync(_project, "q", [Message(600), Message(600)], Guid.NewGuid());
        var text = _metrics.RenderPrometheus();
        Assert.True(Gauge(text, directory) > first);
        Assert.Contains("# TYPE marconi_store_log_size_bytes gauge\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compaction_runs_and_reclaimed_bytes_are_counted_for_the_store()
    {
        var directory = Path.GetFullPath(_harness.Directory);
        var beginAtOpen = _harness.Store.GetStatistics().LogBeginAddress;
        var random = new Random(7);
        for (var batch = 0; batch < 30; batch++)
        {
            var messages = Enumerable.Range(0, 5).Select(_ => new NewMessage(RandomBody(random, 8_000), 60)).ToList();
            await _harness.Engine.PostMessagesAsync(_project, "bulk", messages, Guid.NewGuid());
        }

        _harness.AdvanceSeconds(61);
        await _harness.Store.CompactAsync();
        await _harness.Store.CompactAsync();

        var beginNow = _harness.Store.GetStatistics().LogBeginAddress;
        Assert.True(beginNow > beginAtOpen, $"the log was not truncated: begin {beginAtOpen} -> {beginNow}");
        var text = _metrics.RenderPrometheus();
        Assert.Contains($"marconi_store_compactions_total{{directory=\"{directory}\",trigger=\"explicit\"}} 2\n", text, StringComparison.Ordinal);
        var reclaimed = Sample(text, $"marconi_store_compaction_reclaimed_bytes_total{{directory=\"{directory}\"}}");
        Assert.True(reclaimed > 0 && reclaimed <= beginNow - beginAtOpen, $"reclaimed {reclaimed}, begin {beginAtOpen} -> {beginNow}");
    }

    private static NewMessage Message(int ttl) => new("{\"n\":1}"u8.ToArray(), ttl);

    /// <summary>A JSON string of random hex: compresses to about half, so the log really grows.</summary>
    private static byte[] RandomBody(Random random, int hexChars)
    {
        var bytes = new byte[hexChars / 2];
        random.NextBytes(bytes);
        return System.Text.Encoding.ASCII.GetBytes("\"" + Convert.ToHexString(bytes) + "\"");
    }

    private static long Gauge(string text, string directory) => Sample(text, $"marconi_store_log_size_bytes{{directory=\"{directory}\"}}");

    private static long Sample(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"no sample {series} in:\n{text}");
    }
}
