using System.Globalization;
using System.Text.RegularExpressions;
using Marconi.Http.Api;
using Marconi.Http.Telemetry;
using Marconi.Tests.Http.Api;

namespace Marconi.Tests.Telemetry;

/// <summary>
/// GET /metrics through the API handler over a real engine and store. Meters are process-wide and other tests run in
/// parallel, so every assertion is about this test's own (unique) project.
/// </summary>
public sealed partial class MetricsApiTests : ApiTestBase, IDisposable
{
    private readonly MetricsCollector _metrics = new();
    private readonly string _project = "metrics-" + Guid.NewGuid().ToString("N")[..12];

    protected override ZaqarApiOptions? Options => new() { Metrics = _metrics };

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task Counts_posted_claimed_and_deleted_messages_per_project_and_queue()
    {
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/q1/messages", """{"messages":[{"body":1},{"body":2},{"body":3}]}""", _project)).Status);
        var claim = await SendAsync("POST", "/v2/queues/q1/claims?limit=2", """{"ttl":60,"grace":60}""", _project);
        Assert.Equal(201, claim.Status);
        var href = claim.Json.GetProperty("messages")[0].GetProperty("href").GetString()!;
        Assert.Equal(204, (await SendAsync("DELETE", href, project: _project)).Status);

        var text = await ScrapeAsync();
        Assert.Contains($"marconi_messages_posted_total{{project=\"{_project}\",queue=\"q1\"}} 3\n", text, StringComparison.Ordinal);
        Assert.Contains($"marconi_messages_claimed_total{{project=\"{_project}\",queue=\"q1\"}} 2\n", text, StringComparison.Ordinal);
        Assert.Contains($"marconi_messages_deleted_total{{project=\"{_project}\",queue=\"q1\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE marconi_messages_posted_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE marconi_http_request_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE marconi_store_commit_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Matches(@"marconi_http_request_duration_seconds_count\{route=""messages"",method=""POST"",status=""201""\} [1-9]", text);
        Assert.Matches(@"marconi_http_request_duration_seconds_count\{route=""claims"",method=""POST"",status=""201""\} [1-9]", text);
    }

    [Fact]
    public async Task The_exposition_is_valid_prometheus_text_with_cumulative_buckets()
    {
        await SendAsync("POST", "/v2/queues/q1/messages", """{"messages":[{"body":1}]}""", _project);
        await SendAsync("GET", "/v2/queues/q1/messages?echo=true", project: _project);
        var text = await ScrapeAsync();

        var buckets = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE) marconi_[a-z_]+ .+$", line);
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a Prometheus sample line: {line}");
            var value = double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            var labels = sample.Groups["labels"].Value;
            var series = sample.Groups["name"].Value.Replace("_bucket", "", StringComparison.Ordinal).Replace("_count", "", StringComparison.Ordinal)
                + "{" + LeLabel().Replace(labels, "") + "}";
            if (sample.Groups["name"].Value.EndsWith("_bucket", StringComparison.Ordinal))
            {
                (buckets.TryGetValue(series, out var list) ? list : buckets[series] = []).Add(value);
                Assert.Contains("le=\"", labels, StringComparison.Ordinal);
            }
            else if (sample.Groups["name"].Value.EndsWith("_count", StringComparison.Ordinal))
            {
                counts[series] = value;
            }
        }

        Assert.NotEmpty(buckets);
        foreach (var (series, values) in buckets)
        {
            for (var i = 1; i < values.Count; i++)
            {
                Assert.True(values[i] >= values[i - 1], $"buckets of {series} are not cumulative: {string.Join(", ", values)}");
            }

            Assert.Equal(values[^1], counts[series]);
        }
    }

    [Fact]
    public async Task Label_values_are_escaped()
    {
        var project = _project + "-\"quoted\"-back\\slash";
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/q1/messages", """{"messages":[{"body":1}]}""", project)).Status);
        var text = await ScrapeAsync();
        Assert.Contains($"marconi_messages_posted_total{{project=\"{_project}-\\\"quoted\\\"-back\\\\slash\",queue=\"q1\"}} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Needs_no_client_or_project_headers_and_allows_only_get_and_head()
    {
        var scrape = await SendRawAsync("GET", "/metrics", []);
        Assert.Equal(200, scrape.Status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scrape.Header("Content-Type"));

        var post = await SendRawAsync("POST", "/metrics", []);
        Assert.Equal(405, post.Status);
        Assert.Equal("GET, HEAD", post.Header("Allow"));
        Assert.Equal("Method not allowed", post.Json.GetProperty("title").GetString());
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await SendRawAsync("GET", "/metrics", []);
        Assert.Equal(200, response.Status);
        return response.Text;
    }

    [GeneratedRegex("""^(?<name>marconi_[a-z_]+)(\{(?<labels>[a-z_]+="(\\.|[^"\\])*"(,[a-z_]+="(\\.|[^"\\])*")*)\})? (?<value>[0-9.eE+-]+|\+Inf)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""",?le="[^"]*"|le="[^"]*",?""")]
    private static partial Regex LeLabel();
}

/// <summary>Without a collector the API does not serve /metrics.</summary>
public sealed class MetricsDisabledApiTests : ApiTestBase
{
    [Fact]
    public async Task Metrics_path_is_not_found()
    {
        var response = await SendRawAsync("GET", "/metrics", []);
        Assert.Equal(404, response.Status);
        Assert.Equal("Not found", response.Json.GetProperty("title").GetString());
    }
}
