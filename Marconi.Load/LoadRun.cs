using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marconi.Load;

/// <summary>The server could not be reached (or refused to create the queues): the tool exits 1.</summary>
internal sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One worker's outcome of one request.</summary>
internal readonly record struct Outcome(int Status, byte[]? Body)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// A bounded closed-loop run: each worker has one request in flight at a time on a keep-alive HTTP/1.1 connection of a
/// pool sized to the workers; every loop stops at the end of warm-up + duration, or when the run's request budget
/// (--max-requests) is spent, or on Ctrl-C. Only the standard Zaqar v2 API is used.
/// </summary>
internal sealed class LoadRun : IDisposable
{
    /// <summary>Tries of each admin request after the run (stats, queue delete), which a flooded server may time out.</summary>
    private const int AdminAttempts = 3;

    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly byte[] ClaimBody = Encoding.UTF8.GetBytes("""{"ttl":300,"grace":60}""");

    private readonly LoadOptions _options;
    private HttpClient _client;
    private readonly string _runId;
    private readonly string[] _queues;
    private readonly string _pad;
    private readonly string _adminClientId = Guid.NewGuid().ToString();
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);
    private long _budget;
    private long _connections;
    private long _warmupEnd;
    private long _end;
    private volatile bool _stop;

    public LoadRun(LoadOptions options)
    {
        _options = options;
        _runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        _queues = Enumerable.Range(0, options.Queues).Select(i => string.Create(CultureInfo.InvariantCulture, $"load-{_runId}-q{i}")).ToArray();
        _pad = RandomPad(options.MessageSize);
        _budget = options.MaxRequests;
        _client = CreateClient(reuseConnections: true);
    }

    private HttpClient CreateClient(bool reuseConnections)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection per worker (each has one request in flight), plus one for set-up and stats.
            MaxConnectionsPerServer = _options.Workers + 1,
            // Zero: a connection serves one request and is closed (for servers that close it anyway).
            PooledConnectionLifetime = reuseConnections ? Timeout.InfiniteTimeSpan : TimeSpan.Zero,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectLoopbackAsync,
        };
        var client = new HttpClient(handler)
        {
            BaseAddress = _options.Url,
            Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.ExpectContinue = false;
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Project-ID", _options.Project);
        if (!reuseConnections)
        {
            client.DefaultRequestHeaders.ConnectionClose = true;
        }

        return client;
    }

    public string RunId => _runId;

    /// <summary>The server answers HTTP/1.0 without keep-alive: every request has a connection of its own.</summary>
    public bool ClosesConnections { get; private set; }

    /// <summary>TCP connections opened so far (set-up included): about the worker count when keep-alive works.</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connections);
    public IReadOnlyList<string> Queues => _queues;

    /// <summary>Stops every loop after its request in flight (Ctrl-C).</summary>
    public void Stop() => _stop = true;

    public void Dispose() => _client.Dispose();

    /// <summary>Pings the server and creates the queues; throws <see cref="ServerUnreachableException"/> when it cannot.</summary>
    public async Task SetUpAsync()
    {
        try
        {
            using var ping = await AdminAsync(HttpMethod.Get, "v2/ping", null);
            if (!ping.IsSuccessStatusCode)
            {
                throw new ServerUnreachableException($"GET {_options.Url}v2/ping answered {(int)ping.StatusCode} {ping.ReasonPhrase}");
            }

            // A server that answers HTTP/1.0 without keep-alive (Zaqar's stand-alone wsgiref server) closes every
            // connection after its response. SocketsHttpHandler was seen to reuse such connections all the same (about
            // every other request then failed with ResponseEnded, even with Connection: close on the request), so
            // against such a server the load runs on a handler that never pools a connection.
            ClosesConnections = ping.Version < HttpVersion.Version11 &&
                !ping.Headers.Connection.Contains("keep-alive", StringComparer.OrdinalIgnoreCase);
            if (ClosesConnections)
            {
                await Console.Error.WriteLineAsync($"note: {_options.Url} answers HTTP/{ping.Version} without keep-alive: one connection per request");
                _client.Dispose();
                _client = CreateClient(reuseConnections: false);
            }

            foreach (var queue in _queues)
            {
                using var put = await AdminAsync(HttpMethod.Put, "v2/queues/" + queue, "{}"u8.ToArray());
                if (!put.IsSuccessStatusCode)
                {
                    throw new ServerUnreachableException($"PUT queue {queue} answered {(int)put.StatusCode} {put.ReasonPhrase}");
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new ServerUnreachableException($"cannot reach {_options.Url}: {Describe(e)}", e);
        }
    }

    /// <summary>The queues' message totals from GET .../stats (null where a stats request failed).</summary>
    public async Task<Dictionary<string, long?>> QueueTotalsAsync()
    {
        var totals = new Dictionary<string, long?>(StringComparer.Ordinal);
        foreach (var queue in _queues)
        {
            long? total = null;
            for (var attempt = 1; attempt <= AdminAttempts; attempt++)
            {
                try
                {
                    using var response = await AdminAsync(HttpMethod.Get, $"v2/queues/{queue}/stats", null);
                    if (response.IsSuccessStatusCode)
                    {
                        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
                        if (document.RootElement.TryGetProperty("messages", out var messages) &&
                            messages.TryGetProperty("total", out var value) && value.TryGetInt64(out var count))
                        {
                            total = count;
                        }
                    }
                    else
                    {
                        await Console.Error.WriteLineAsync($"stats of {queue}: {(int)response.StatusCode}");
                    }

                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
                {
                    await Console.Error.WriteLineAsync($"stats of {queue} (attempt {attempt} of {AdminAttempts}): {Describe(e)}");
                }
            }

            totals[queue] = total;
        }

        return totals;
    }

    /// <summary>Deletes the run's queues (best effort: failures are printed to stderr).</summary>
    public async Task TearDownAsync()
    {
        foreach (var queue in _queues)
        {
            // DELETE is idempotent in Zaqar (204 also when the queue is gone), so a timed-out attempt is retried.
            for (var attempt = 1; attempt <= AdminAttempts; attempt++)
            {
                try
                {
                    using var response = await AdminAsync(HttpMethod.Delete, "v2/queues/" + queue, null);
                    if (!response.IsSuccessStatusCode)
                    {
                        await Console.Error.WriteLineAsync($"DELETE queue {queue}: {(int)response.StatusCode}");
                    }

                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    await Console.Error.WriteLineAsync($"DELETE queue {queue} (attempt {attempt} of {AdminAttempts}): {Describe(e)}");
                }
            }
        }
    }

    /// <summary>Runs every worker to the end and returns each one's role and stats, with the measured window's length.</summary>
    public async Task<(List<(Role Role, RunStats Stats)> Workers, double WindowSeconds, long Issued)> RunAsync()
    {
        var start = Stopwatch.GetTimestamp();
        _warmupEnd = start + (long)(_options.WarmupSeconds * Stopwatch.Frequency);
        _end = _warmupEnd + (long)(_options.DurationSeconds * Stopwatch.Frequency);

        var workers = new List<(Role Role, RunStats Stats)>();
        var tasks = new List<Task>();
        void Add(Role role, int count, Func<int, RunStats, Task> loop)
        {
            for (var i = 0; i < count; i++)
            {
                var stats = new RunStats();
                workers.Add((role, stats));
                var index = i;
                tasks.Add(Task.Run(() => loop(index, stats)));
            }
        }

        Add(Role.Producer, _options.Producers, ProduceAsync);
        Add(Role.Consumer, _options.Consumers, ConsumeAsync);
        Add(Role.Observer, _options.Observers, ObserveAsync);

        using var progress = new CancellationTokenSource();
        var reporter = ReportProgressAsync(start, workers, progress.Token);
        await Task.WhenAll(tasks);
        var stopped = Stopwatch.GetTimestamp();
        await progress.CancelAsync();
        await reporter;

        var windowEnd = Math.Min(stopped, _end);
        var window = Math.Max(0, windowEnd - _warmupEnd) / (double)Stopwatch.Frequency;
        var issued = _options.MaxRequests - Math.Max(0, Interlocked.Read(ref _budget));
        return (workers, window, issued);
    }

    private async Task ReportProgressAsync(long start, List<(Role Role, RunStats Stats)> workers, CancellationToken token)
    {
        try
        {
            while (true)
            {
                await Task.Delay(1000, token);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                var issued = _options.MaxRequests - Math.Max(0, Interlocked.Read(ref _budget));
                var phase = Stopwatch.GetTimestamp() < _warmupEnd ? "warm-up" : "measuring";
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{elapsed,5:F1} s] {phase}: {issued} requests issued"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private bool TryStartRequest()
    {
        if (_stop || Stopwatch.GetTimestamp() >= _end)
        {
            return false;
        }

        if (Interlocked.Decrement(ref _budget) < 0)
        {
            _stop = true;
            return false;
        }

        return true;
    }

    private async Task ProduceAsync(int index, RunStats stats)
    {
        var clientId = Guid.NewGuid().ToString();
        var queue = _queues[index % _queues.Length];
        var uri = new Uri($"v2/queues/{queue}/messages", UriKind.Relative);
        long sequence = 0;
        var errors = new ErrorBackoff();
        var body = new StringBuilder((_options.MessageSize + 40) * _options.Batch + 16);
        while (TryStartRequest())
        {
            body.Clear().Append("{\"messages\":[");
            for (var m = 0; m < _options.Batch; m++)
            {
                if (m > 0)
                {
                    body.Append(',');
                }

                AppendMessage(body, index, sequence++);
            }

            body.Append("]}");
            var (outcome, inWindow) = await SendAsync(HttpMethod.Post, uri, clientId, Encoding.UTF8.GetBytes(body.ToString()), RequestKind.Post, stats, readBody: false);
            if (!outcome.Ok)
            {
                await errors.WaitAsync();
                continue;
            }

            errors.Reset();
            if (outcome.Status == 201 && inWindow)
            {
                stats.Posted += _options.Batch;
            }
        }
    }

    private async Task ConsumeAsync(int index, RunStats stats)
    {
        var clientId = Guid.NewGuid().ToString();
        var queue = _queues[index % _queues.Length];
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"v2/queues/{queue}/claims?limit={_options.ClaimLimit}"), UriKind.Relative);
        var backoff = 1;
        var errors = new ErrorBackoff();
        var hrefs = new List<string>();
        while (TryStartRequest())
        {
            var (claim, inWindow) = await SendAsync(HttpMethod.Post, uri, clientId, ClaimBody, RequestKind.Claim, stats, readBody: true);
            if (claim.Status == 204)
            {
                if (inWindow)
                {
                    stats.EmptyClaims++;
                }

                // Nothing to claim: back off 1, 2, 4, 5, 5... ms, reset by the next claim that gets messages.
                await Task.Delay(backoff);
                backoff = Math.Min(backoff * 2, 5);
                continue;
            }

            if (!claim.Ok || claim.Body is null)
            {
                await errors.WaitAsync();
                continue;
            }

            errors.Reset();
            backoff = 1;
            hrefs.Clear();
            ReadHrefs(claim.Body, hrefs);
            if (inWindow)
            {
                stats.Claimed += hrefs.Count;
            }

            foreach (var href in hrefs)
            {
                if (!TryStartRequest())
                {
                    // The run ended with messages claimed: their claim expires (ttl 300) and they count in the backlog.
                    break;
                }

                if (Resolve(href) is not { } target)
                {
                    stats.AddError(RequestKind.Delete, "foreign-href");
                    continue;
                }

                var (deleted, deleteInWindow) = await SendAsync(HttpMethod.Delete, target, clientId, null, RequestKind.Delete, stats, readBody: false);
                if (!deleted.Ok)
                {
                    await errors.WaitAsync();
                }
                else if (deleteInWindow)
                {
                    stats.Deleted++;
                }
            }
        }
    }

    private async Task ObserveAsync(int index, RunStats stats)
    {
        var clientId = Guid.NewGuid().ToString();
        var queue = _queues[index % _queues.Length];
        var head = new Uri($"v2/queues/{queue}/messages?limit=10&echo=true", UriKind.Relative);
        Uri? next = null;
        var backoff = 1;
        var errors = new ErrorBackoff();
        while (TryStartRequest())
        {
            var (page, inWindow) = await SendAsync(HttpMethod.Get, next ?? head, clientId, null, RequestKind.List, stats, readBody: true);
            if (!page.Ok)
            {
                next = null;
                await errors.WaitAsync();
                continue;
            }

            errors.Reset();
            var (count, nextHref) = page.Status == 200 && page.Body is not null ? ReadPage(page.Body) : (0, null);
            if (inWindow)
            {
                stats.Listed += count;
                if (count == 0)
                {
                    stats.EmptyPages++;
                }
            }

            if (count == 0 || nextHref is null)
            {
                // The end of the queue: restart at the head, after a bounded back-off (1, 2, 4, 5, 5... ms).
                next = null;
                await Task.Delay(backoff);
                backoff = Math.Min(backoff * 2, 5);
                continue;
            }

            backoff = 1;
            next = Resolve(nextHref);
            if (next is null)
            {
                stats.AddError(RequestKind.List, "foreign-href");
            }
        }
    }

    /// <summary>One message: <c>{"ttl":3600,"body":{"p":P,"n":N,"pad":"..."}}</c> whose body is about S bytes.</summary>
    private void AppendMessage(StringBuilder builder, int producer, long sequence)
    {
        builder.Append("{\"ttl\":3600,\"body\":");
        var bodyStart = builder.Length;
        builder.Append(CultureInfo.InvariantCulture, $"{{\"p\":{producer},\"n\":{sequence},\"pad\":\"");
        var padLength = Math.Max(0, _options.MessageSize - (builder.Length - bodyStart) - 2);
        builder.Append(_pad, 0, Math.Min(padLength, _pad.Length)).Append("\"}}");
    }

    private async Task<(Outcome Outcome, bool InWindow)> SendAsync(
        HttpMethod method, Uri uri, string clientId, byte[]? body, RequestKind kind, RunStats stats, bool readBody)
    {
        var started = Stopwatch.GetTimestamp();
        var inWindow = started >= _warmupEnd && started < _end;
        stats.TotalRequests[(int)kind]++;
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("Client-ID", clientId);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var status = (int)response.StatusCode;
            byte[]? content = readBody && status is 200 or 201 ? await response.Content.ReadAsByteArrayAsync() : null;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (status is >= 200 and < 300)
            {
                if (inWindow)
                {
                    stats.WindowRequests[(int)kind]++;
                    stats.RecordLatency(kind, (long)elapsed.TotalMicroseconds);
                }
            }
            else
            {
                stats.AddError(kind, status.ToString(CultureInfo.InvariantCulture));
                ReportFirst(string.Create(CultureInfo.InvariantCulture, $"{RunStats.Name(kind)} {status}"), null);
            }

            return (new Outcome(status, content), inWindow);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            var cause = Describe(e);
            stats.AddError(kind, cause);
            ReportFirst(RunStats.Name(kind) + " " + cause, e);
            return (new Outcome(0, null), inWindow);
        }
    }

    /// <summary>Prints the first error of each kind and cause to stderr, with the exception's chain of messages.</summary>
    private void ReportFirst(string key, Exception? e)
    {
        if (_reported.TryAdd(key, 0))
        {
            var detail = new StringBuilder();
            for (var inner = e; inner is not null; inner = inner.InnerException)
            {
                detail.Append(" | ").Append(inner.GetType().Name).Append(": ").Append(inner.Message);
            }

            Console.Error.WriteLine($"first error {key}{detail}");
        }
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, byte[]? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Client-ID", _adminClientId);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        return await _client.SendAsync(request);
    }

    /// <summary>
    /// A server's href (normally an absolute path such as <c>/v2/queues/q/messages/ID?claim_id=C</c>) against the base
    /// URL; an href naming another host is refused (the connect callback would refuse it as well).
    /// </summary>
    private Uri? Resolve(string href)
    {
        if (!Uri.TryCreate(_options.Url, href, out var uri) ||
            !string.Equals(uri.Host, _options.Url.Host, StringComparison.OrdinalIgnoreCase) || uri.Port != _options.Url.Port)
        {
            return null;
        }

        return uri;
    }

    private static void ReadHrefs(byte[] body, List<string> hrefs)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    if (message.TryGetProperty("href", out var href) && href.GetString() is { } text)
                    {
                        hrefs.Add(text);
                    }
                }
            }
        }
        catch (JsonException)
        {
        }
    }

    private static (int Count, string? Next) ReadPage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (0, null);
            }

            var count = root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array ? messages.GetArrayLength() : 0;
            string? next = null;
            if (root.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Array)
            {
                foreach (var link in links.EnumerateArray())
                {
                    if (link.TryGetProperty("rel", out var rel) && rel.GetString() == "next" &&
                        link.TryGetProperty("href", out var href))
                    {
                        next = href.GetString();
                    }
                }
            }

            return (count, next);
        }
        catch (JsonException)
        {
            return (0, null);
        }
    }

    /// <summary>A short cause for an exception: "timeout", or the HTTP error and socket error (ConnectionReset, ...).</summary>
    public static string Describe(Exception e)
    {
        if (e is TaskCanceledException { InnerException: TimeoutException })
        {
            return "timeout";
        }

        SocketException? socket = null;
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException found)
            {
                socket = found;
                break;
            }
        }

        var name = e is HttpRequestException http && http.HttpRequestError != HttpRequestError.Unknown
            ? http.HttpRequestError.ToString()
            : e.GetType().Name;
        return socket is null ? name : name + "/" + socket.SocketErrorCode;
    }

    /// <summary>Connects only to loopback addresses, whatever the name resolves to.</summary>
    private async ValueTask<Stream> ConnectLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken token)
    {
        var host = context.DnsEndPoint.Host;
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(literal, out var parsed) ? [parsed] : await Dns.GetHostAddressesAsync(host, token);
        var loopback = addresses.Where(LoadOptions.IsLoopback).ToArray();
        if (loopback.Length == 0)
        {
            throw new HttpRequestException($"refusing to connect to {host}: it is not a loopback address");
        }

        Exception? last = null;
        foreach (var address in loopback)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), token);
                Interlocked.Increment(ref _connections);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }

        throw last!;
    }

    /// <summary>Random letters and digits, so a body does not compress to nothing (our store LZ4-compresses bodies).</summary>
    private static string RandomPad(int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(Alphabet, length);
    }
}

/// <summary>
/// After a failed request (an error status, a timeout, a refused or reset connection) a worker waits 5, 10, 20... up to
/// 200 ms before its next request, so a struggling server (Zaqar's single-threaded wsgiref one, say) is not flooded with
/// reconnects; a success resets it.
/// </summary>
internal sealed class ErrorBackoff
{
    private const int FirstMilliseconds = 5;
    private const int MaxMilliseconds = 200;
    private int _next = FirstMilliseconds;

    public Task WaitAsync()
    {
        var delay = _next;
        _next = Math.Min(_next * 2, MaxMilliseconds);
        return Task.Delay(delay);
    }

    public void Reset() => _next = FirstMilliseconds;
}
