using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace Marconi.Load;

/// <summary>What a run measured, ready to print as a table or one JSON object.</summary>
internal sealed class Report
{
    private static readonly double[] Percentiles = [50, 90, 99, 99.9];

    public required LoadOptions Options { get; init; }
    public required string RunId { get; init; }
    public required double WindowSeconds { get; init; }
    public required long Issued { get; init; }
    /// <summary>Each worker's role, stats, and server (an index into <see cref="LoadOptions.Urls"/>).</summary>
    public required IReadOnlyList<(Role Role, RunStats Stats, int Node)> Workers { get; init; }
    public required IReadOnlyDictionary<string, long?> QueueTotals { get; init; }
    public required double ClientCpuSeconds { get; init; }
    public required double ElapsedSeconds { get; init; }
    public required bool ClosesConnections { get; init; }
    public required long ConnectionsOpened { get; init; }

    private RunStats All => Merge(Workers.Select(w => w.Stats));

    private RunStats ByRole(Role role) => Merge(Workers.Where(w => w.Role == role).Select(w => w.Stats));

    private static RunStats Merge(IEnumerable<RunStats> stats)
    {
        var merged = new RunStats();
        foreach (var s in stats)
        {
            merged.Merge(s);
        }

        return merged;
    }

    private double Rate(long count) => WindowSeconds > 0 ? count / WindowSeconds : 0;

    private int Count(Role role) => Workers.Count(w => w.Role == role);

    private RunStats ByNode(int node) => Merge(Workers.Where(w => w.Node == node).Select(w => w.Stats));

    private int CountOnNode(int node) => Workers.Count(w => w.Node == node);

    public string Table()
    {
        var all = All;
        var o = Options;
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

        Line(F($"marconi-load run {RunId}: {string.Join(", ", o.Urls)} project={o.Project} queues={o.Queues} producers={o.Producers} consumers={o.Consumers} observers={o.Observers}"));
        Line(F($"  message-size={o.MessageSize} batch={o.Batch} claim-limit={o.ClaimLimit}{(o.BulkDelete ? " bulk-delete" : "")}{(o.Rate > 0 ? F($" rate={o.Rate}/s") : "")} warmup={o.WarmupSeconds}s duration={o.DurationSeconds}s max-requests={o.MaxRequests}"));
        Line(F($"  measured window {WindowSeconds:F2} s; {Issued} load requests issued in {ElapsedSeconds:F2} s on {ConnectionsOpened} connections; client CPU {ClientCpuSeconds:F2} s ({100 * ClientCpuSeconds / Math.Max(ElapsedSeconds, 1e-9):F0}% of one core)"));
        if (ClosesConnections)
        {
            Line("  the server answers HTTP/1.0 without keep-alive: one connection per request");
        }

        Line(string.Empty);

        Line(F($"{"role",-10} {"workers",7} {"req/s",10}  messages/s"));
        foreach (var role in Enum.GetValues<Role>())
        {
            if (Count(role) == 0)
            {
                continue;
            }

            var s = ByRole(role);
            var messages = role switch
            {
                Role.Producer => F($"{Rate(s.Posted):F1} posted"),
                Role.Consumer => F($"{Rate(s.Claimed):F1} claimed, {Rate(s.Deleted):F1} deleted ({s.EmptyClaims} empty claims)"),
                _ => F($"{Rate(s.Listed):F1} listed ({s.EmptyPages} empty pages)"),
            };
            Line(F($"{RunStats.Name(role),-10} {Count(role),7} {Rate(s.WindowRequests.Sum()),10:F1}  {messages}"));
        }

        if (o.Urls.Count > 1)
        {
            Line(string.Empty);
            Line(F($"{"server",-28} {"workers",7} {"req/s",10} {"posted/s",10} {"claimed/s",10} {"deleted/s",10} {"listed/s",10} {"errors",7}"));
            for (var node = 0; node < o.Urls.Count; node++)
            {
                var s = ByNode(node);
                Line(F($"{o.Urls[node],-28} {CountOnNode(node),7} {Rate(s.WindowRequests.Sum()),10:F1} {Rate(s.Posted),10:F1} {Rate(s.Claimed),10:F1} {Rate(s.Deleted),10:F1} {Rate(s.Listed),10:F1} {s.ErrorCount,7}"));
            }

            Line(F($"{"total",-28} {Workers.Count,7} {Rate(all.WindowRequests.Sum()),10:F1} {Rate(all.Posted),10:F1} {Rate(all.Claimed),10:F1} {Rate(all.Deleted),10:F1} {Rate(all.Listed),10:F1} {all.ErrorCount,7}"));
        }

        Line(string.Empty);
        Line(F($"{"latency ms",-10} {"ok",9} {"req/s",10} {"p50",8} {"p90",8} {"p99",8} {"p99.9",8} {"max",8}"));
        foreach (var kind in Enum.GetValues<RequestKind>())
        {
            if (all.TotalRequests[(int)kind] == 0)
            {
                continue;
            }

            var cells = new StringBuilder();
            if (all.HasLatency(kind))
            {
                var histogram = all.Latency(kind);
                foreach (var p in Percentiles)
                {
                    cells.Append(F($" {histogram.GetValueAtPercentile(p) / 1000.0,8:F2}"));
                }

                cells.Append(F($" {histogram.GetMaxValue() / 1000.0,8:F2}"));
            }
            else
            {
                cells.Append(F($" {"-",8} {"-",8} {"-",8} {"-",8} {"-",8}"));
            }

            Line(F($"{RunStats.Name(kind),-10} {all.WindowRequests[(int)kind],9} {Rate(all.WindowRequests[(int)kind]),10:F1}{cells}"));
        }

        Line(string.Empty);
        if (all.Errors.Count == 0)
        {
            Line("errors (whole run): none");
        }
        else
        {
            Line(F($"errors (whole run, warm-up included): {all.ErrorCount} of {all.TotalRequests.Sum()} requests"));
            foreach (var (key, count) in all.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                Line(F($"  {key,-40} {count,9}"));
            }
        }

        Line(string.Empty);
        var finalTotal = QueueTotals.Values.All(v => v.HasValue) ? QueueTotals.Values.Sum(v => v!.Value).ToString(CultureInfo.InvariantCulture) : "unknown";
        Line(F($"backlog: posted - deleted in window = {all.Posted - all.Deleted}; final GET stats total = {finalTotal}"));
        if (QueueTotals.Count > 1)
        {
            Line("  " + string.Join(", ", QueueTotals.Select(q => q.Key + "=" + (q.Value?.ToString(CultureInfo.InvariantCulture) ?? "?"))));
        }

        return text.ToString();
    }

    public string Json()
    {
        var all = All;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("run", RunId);
            json.WriteString("url", Options.Url.ToString());
            json.WriteStartArray("servers");
            for (var node = 0; node < Options.Urls.Count; node++)
            {
                var s = ByNode(node);
                json.WriteStartObject();
                json.WriteString("url", Options.Urls[node].ToString());
                json.WriteNumber("workers", CountOnNode(node));
                json.WriteNumber("requests_per_s", Math.Round(Rate(s.WindowRequests.Sum()), 1));
                json.WriteNumber("posted_per_s", Math.Round(Rate(s.Posted), 1));
                json.WriteNumber("claimed_per_s", Math.Round(Rate(s.Claimed), 1));
                json.WriteNumber("deleted_per_s", Math.Round(Rate(s.Deleted), 1));
                json.WriteNumber("listed_per_s", Math.Round(Rate(s.Listed), 1));
                json.WriteNumber("errors", s.ErrorCount);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("project", Options.Project);
            json.WriteNumber("queues", Options.Queues);
            json.WriteNumber("producers", Options.Producers);
            json.WriteNumber("consumers", Options.Consumers);
            json.WriteNumber("observers", Options.Observers);
            json.WriteNumber("message_size", Options.MessageSize);
            json.WriteNumber("batch", Options.Batch);
            json.WriteNumber("claim_limit", Options.ClaimLimit);
        json.WriteBoolean("bulk_delete", Options.BulkDelete);
            json.WriteNumber("rate", Options.Rate);
            json.WriteNumber("warmup_s", Options.WarmupSeconds);
            json.WriteNumber("duration_s", Options.DurationSeconds);
            json.WriteNumber("max_requests", Options.MaxRequests);
            json.WriteNumber("window_s", Math.Round(WindowSeconds, 3));
            json.WriteNumber("elapsed_s", Math.Round(ElapsedSeconds, 3));
            json.WriteNumber("issued", Issued);
            json.WriteNumber("client_cpu_s", Math.Round(ClientCpuSeconds, 3));
            json.WriteBoolean("connection_per_request", ClosesConnections);
            json.WriteNumber("connections_opened", ConnectionsOpened);

            json.WriteStartObject("roles");
            foreach (var role in Enum.GetValues<Role>())
            {
                if (Count(role) == 0)
                {
                    continue;
                }

                var s = ByRole(role);
                json.WriteStartObject(RunStats.Name(role));
                json.WriteNumber("workers", Count(role));
                json.WriteNumber("requests_per_s", Math.Round(Rate(s.WindowRequests.Sum()), 1));
                switch (role)
                {
                    case Role.Producer:
                        json.WriteNumber("posted_per_s", Math.Round(Rate(s.Posted), 1));
                        break;
                    case Role.Consumer:
                        json.WriteNumber("claimed_per_s", Math.Round(Rate(s.Claimed), 1));
                        json.WriteNumber("deleted_per_s", Math.Round(Rate(s.Deleted), 1));
                        json.WriteNumber("empty_claims", s.EmptyClaims);
                        break;
                    default:
                        json.WriteNumber("listed_per_s", Math.Round(Rate(s.Listed), 1));
                        json.WriteNumber("empty_pages", s.EmptyPages);
                        break;
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();

            json.WriteStartObject("latency_ms");
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                if (all.TotalRequests[(int)kind] == 0)
                {
                    continue;
                }

                json.WriteStartObject(RunStats.Name(kind));
                json.WriteNumber("ok", all.WindowRequests[(int)kind]);
                json.WriteNumber("per_s", Math.Round(Rate(all.WindowRequests[(int)kind]), 1));
                if (all.HasLatency(kind))
                {
                    var histogram = all.Latency(kind);
                    json.WriteNumber("p50", histogram.GetValueAtPercentile(50) / 1000.0);
                    json.WriteNumber("p90", histogram.GetValueAtPercentile(90) / 1000.0);
                    json.WriteNumber("p99", histogram.GetValueAtPercentile(99) / 1000.0);
                    json.WriteNumber("p99_9", histogram.GetValueAtPercentile(99.9) / 1000.0);
                    json.WriteNumber("max", histogram.GetMaxValue() / 1000.0);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();

            json.WriteStartObject("errors");
            foreach (var (key, count) in all.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(key, count);
            }

            json.WriteEndObject();

            json.WriteStartObject("backlog");
            json.WriteNumber("posted_minus_deleted_in_window", all.Posted - all.Deleted);
            json.WriteStartObject("final_stats_total");
            foreach (var (queue, total) in QueueTotals)
            {
                if (total is { } value)
                {
                    json.WriteNumber(queue, value);
                }
                else
                {
                    json.WriteNull(queue);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
