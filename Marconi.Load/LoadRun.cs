using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marconi.Load.Http;

namespace Marconi.Load;

/// <summary>The server could not be reached (or refused to create the queues): the tool exits 1.</summary>
internal sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One worker's outcome of one request; the body (when asked for) is valid until the worker's next request.</summary>
internal readonly record struct Outcome(int Status, ReadOnlyMemory<byte> Body)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// A bounded closed-loop run: each worker has one request in flight at a time on its own keep-alive HTTP/1.1
/// connection (<see cref="LoadConnection"/>, a raw socket, so the client costs the machine little); every loop stops at
/// the end of warm-up + duration, or when the run's request budget (--max-requests) is spent, or on Ctrl-C. Only the
/// standard Zaqar v2 API is used.
/// </summary>
internal sealed class LoadRun : IAsyncDisposable
{
    /// <summary>Tries of each admin request after the run (stats, queue delete), which a flooded server may time out.</summary>
    private const int AdminAttempts = 3;

    private static readonly byte[] ClaimBody = """{"ttl":300,"grace":60}"""u8.ToArray();

    private readonly LoadOptions _options;
    private readonly string _runId;
    private readonly string[] _queues;
    private readonly byte[] _pad;
    private readonly LoadConnection _admin;
    private readonly RequestWriter _adminRequests;
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
        _pad = PostBody.RandomPad(options.MessageSize);
        _budget = options.MaxRequests;
        _admin = NewConnection(options.Url);
        _adminRequests = new RequestWriter(options.Url, options.Project, Guid.NewGuid().ToString(), closeConnections: false);
    }

    public string RunId => _runId;

    /// <summary>The server answers HTTP/1.0 without keep-alive: every request has a connection of its own.</summary>
    public bool ClosesConnections { get; private set; }

    /// <summary>TCP connections opened so far (set-up included): about the worker count when keep-alive works.</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connections);
    public IReadOnlyList<string> Queues => _queues;

    /// <summary>Stops every loop after its request in flight (Ctrl-C).</summary>
    public void Stop() => _stop = true;

    public ValueTask DisposeAsync() => _admin.DisposeAsync();

    private LoadConnection NewConnection(Uri url) =>
        new(url, TimeSpan.FromSeconds(_options.TimeoutSeconds), () => Interlocked.Increment(ref _connections));

    private RatePacer NewPacer() => _options.RatePerPacedWorker > 0 ? new RatePacer(_options.RatePerPacedWorker) : RatePacer.None;

    private RequestWriter NewRequestWriter(Uri url) => new(url, _options.Project, Guid.NewGuid().ToString(), ClosesConnections);

    /// <summary>A path under the base URL's path, as the request target's bytes.</summary>
    private static byte[] Target(Uri url, string relative) => Encoding.UTF8.GetBytes(url.AbsolutePath + relative);

    /// <summary>Pings the server and creates the queues; throws <see cref="ServerUnreachableException"/> when it cannot.</summary>
    public async Task SetUpAsync()
    {
        try
        {
            var ping = await AdminAsync("GET", "v2/ping", null);
            if (ping is < 200 or >= 300)
            {
                throw new ServerUnreachableException($"GET {_options.Url}v2/ping answered {ping}");
            }

            // The other servers are only pinged: they share the first one's store, where the queues are made.
            foreach (var url in _options.Urls.Skip(1))
            {
                await using var connection = NewConnection(url);
                var writer = NewRequestWriter(url);
                await connection.SendAsync(writer.Write("GET"u8, Target(url, "v2/ping"), default, hasBody: false), keepBody: false);
                if (connection.Status is < 200 or >= 300)
                {
                    throw new ServerUnreachableException($"GET {url}v2/ping answered {connection.Status}");
                }
            }

            // Zaqar's stand-alone wsgiref server answers HTTP/1.0 and closes every connection after its response: the
            // workers then say Connection: close themselves and open a connection per request.
            ClosesConnections = _admin.WasHttp10 && !_admin.WasKeepAlive;
            if (ClosesConnections)
            {
                await Console.Error.WriteLineAsync($"note: {_options.Url} answers HTTP/1.0 without keep-alive: one connection per request");
            }

            foreach (var queue in _queues)
            {
                var put = await AdminAsync("PUT", "v2/queues/" + queue, "{}"u8.ToArray());
                if (put is < 200 or >= 300)
                {
                    throw new ServerUnreachableException($"PUT queue {queue} answered {put}");
                }
            }
        }
        catch (Exception e) when (IsRequestFailure(e))
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
                    var status = await AdminAsync("GET", $"v2/queues/{queue}/stats", null, keepBody: true);
                    if (status is >= 200 and < 300)
                    {
                        using var document = JsonDocument.Parse(_admin.Body);
                        if (document.RootElement.TryGetProperty("messages", out var messages) &&
                            messages.TryGetProperty("total", out var value) && value.TryGetInt64(out var count))
                        {
                            total = count;
                        }
                    }
                    else
                    {
                        await Console.Error.WriteLineAsync($"stats of {queue}: {status}");
                    }

                    break;
                }
                catch (Exception e) when (IsRequestFailure(e) || e is JsonException)
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
                    var status = await AdminAsync("DELETE", "v2/queues/" + queue, null);
                    if (status is < 200 or >= 300)
                    {
                        await Console.Error.WriteLineAsync($"DELETE queue {queue}: {status}");
                    }

                    break;
                }
                catch (Exception e) when (IsRequestFailure(e))
                {
                    await Console.Error.WriteLineAsync($"DELETE queue {queue} (attempt {attempt} of {AdminAttempts}): {Describe(e)}");
                }
            }
        }
    }

    /// <summary>Runs every worker to the end and returns each one's role and stats, with the measured window's length.</summary>
    public async Task<(List<(Role Role, RunStats Stats, int Node)> Workers, double WindowSeconds, long Issued)> RunAsync()
    {
        var start = Stopwatch.GetTimestamp();
        _warmupEnd = start + (long)(_options.WarmupSeconds * Stopwatch.Frequency);
        _end = _warmupEnd + (long)(_options.DurationSeconds * Stopwatch.Frequency);

        var workers = new List<(Role Role, RunStats Stats, int Node)>();
        var tasks = new List<Task>();
        void Add(Role role, int count, Func<int, RunStats, Uri, Task> loop)
        {
            // Each role's workers take the servers in turn, so every server sees every role.
            for (var i = 0; i < count; i++)
            {
                var stats = new RunStats();
                var node = i % _options.Urls.Count;
                workers.Add((role, stats, node));
                var index = i;
                tasks.Add(Task.Run(() => loop(index, stats, _options.Urls[node])));
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

    private async Task ReportProgressAsync(long start, List<(Role Role, RunStats Stats, int Node)> workers, CancellationToken token)
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

    private async Task ProduceAsync(int index, RunStats stats, Uri url)
    {
        await using var connection = NewConnection(url);
        var requests = NewRequestWriter(url);
        var pacer = NewPacer();
        var target = Target(url, $"v2/queues/{_queues[index % _queues.Length]}/messages");
        var body = new PostBody(_pad, _options.MessageSize, _options.Batch);
        long sequence = 0;
        var errors = new ErrorBackoff();
        while (TryStartRequest())
        {
            var request = requests.Write("POST"u8, target, body.Write(index, sequence, _options.Batch), hasBody: true);
            sequence += _options.Batch;
            var (outcome, inWindow) = await SendAsync(connection, pacer, request, RequestKind.Post, stats, keepBody: false);
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

    private async Task ConsumeAsync(int index, RunStats stats, Uri url)
    {
        await using var connection = NewConnection(url);
        var requests = NewRequestWriter(url);
        var pacer = RatePacer.None;
        var claimTarget = Target(url, string.Create(CultureInfo.InvariantCulture, $"v2/queues/{_queues[index % _queues.Length]}/claims?limit={_options.ClaimLimit}"));
        var bulkTarget = new ArrayBufferWriter<byte>();
        var backoff = 1;
        var errors = new ErrorBackoff();
        var hrefs = new HrefList();
        while (TryStartRequest())
        {
            var claimRequest = requests.Write("POST"u8, claimTarget, ClaimBody, hasBody: true);
            var (claim, inWindow) = await SendAsync(connection, pacer, claimRequest, RequestKind.Claim, stats, keepBody: true);
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

            if (claim.Status is not (200 or 201))
            {
                await errors.WaitAsync();
                continue;
            }

            errors.Reset();
            backoff = 1;
            hrefs.Clear();
            ZaqarResponses.ReadMessages(claim.Body.Span, hrefs);
            if (inWindow)
            {
                stats.Claimed += hrefs.Count;
            }

            if (_options.BulkDelete)
            {
                if (hrefs.Count > 0 && TryStartRequest())
                {
                    var (deleted, deleteInWindow) = await SendAsync(connection, pacer, WriteBulkDelete(requests, bulkTarget, hrefs), RequestKind.Delete, stats, keepBody: false);
                    if (!deleted.Ok)
                    {
                        await errors.WaitAsync();
                    }
                    else if (deleteInWindow)
                    {
                        stats.Deleted += hrefs.Count;
                    }
                }

                continue;
            }

            for (var h = 0; h < hrefs.Count; h++)
            {
                if (!TryStartRequest())
                {
                    // The run ended with messages claimed: their claim expires (ttl 300) and they count in the backlog.
                    break;
                }

                if (!TryWriteHrefRequest(url, requests, "DELETE"u8, hrefs[h], out var deleteRequest))
                {
                    stats.AddError(RequestKind.Delete, "foreign-href");
                    continue;
                }

                var (deleted, deleteInWindow) = await SendAsync(connection, pacer, deleteRequest, RequestKind.Delete, stats, keepBody: false);
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

    private async Task ObserveAsync(int index, RunStats stats, Uri url)
    {
        await using var connection = NewConnection(url);
        var requests = NewRequestWriter(url);
        var pacer = NewPacer();
        var head = Target(url, $"v2/queues/{_queues[index % _queues.Length]}/messages?limit=10&echo=true");
        var next = new HrefList();
        var backoff = 1;
        var errors = new ErrorBackoff();
        while (TryStartRequest())
        {
            ReadOnlyMemory<byte> request;
            if (next.Count == 0)
            {
                request = requests.Write("GET"u8, head, default, hasBody: false);
            }
            else if (!TryWriteHrefRequest(url, requests, "GET"u8, next[next.Count - 1], out request))
            {
                stats.AddError(RequestKind.List, "foreign-href");
                request = requests.Write("GET"u8, head, default, hasBody: false);
            }

            var (page, inWindow) = await SendAsync(connection, pacer, request, RequestKind.List, stats, keepBody: true);
            next.Clear();
            if (!page.Ok)
            {
                await errors.WaitAsync();
                continue;
            }

            errors.Reset();
            var count = page.Status == 200 ? ZaqarResponses.ReadPage(page.Body.Span, next) : 0;
            if (inWindow)
            {
                stats.Listed += count;
                if (count == 0)
                {
                    stats.EmptyPages++;
                }
            }

            if (count == 0 || next.Count == 0)
            {
                // The end of the queue: restart at the head, after a bounded back-off (1, 2, 4, 5, 5... ms).
                next.Clear();
                await Task.Delay(backoff);
                backoff = Math.Min(backoff * 2, 5);
                continue;
            }

            backoff = 1;
        }
    }

    /// <summary>
    /// A request to a server's href: an absolute path (what Zaqar and we send, e.g.
    /// <c>/v2/queues/q/messages/ID?claim_id=C</c>) is the request target as it is; anything else is resolved against
    /// the base URL, and refused (false) when it names another host or port.
    /// </summary>
    /// <summary>
    /// <c>DELETE /v2/queues/{q}/messages?ids=a,b,...</c> for a claim's messages: the ids are the last path segment of
    /// each claimed message's href (<c>.../messages/{id}?claim_id=...</c>).
    /// </summary>
    private static ReadOnlyMemory<byte> WriteBulkDelete(RequestWriter requests, ArrayBufferWriter<byte> target, HrefList hrefs)
    {
        target.ResetWrittenCount();
        for (var h = 0; h < hrefs.Count; h++)
        {
            var href = hrefs[h];
            var query = href.IndexOf((byte)'?');
            var path = query < 0 ? href : href[..query];
            if (h == 0)
            {
                // The collection path is the first href's path without its last segment.
                target.Write(path[..(path.LastIndexOf((byte)'/') + 1)]);
                target.Write("?ids="u8);
            }
            else
            {
                target.Write(","u8);
            }

            target.Write(path[(path.LastIndexOf((byte)'/') + 1)..]);
        }

        return requests.Write("DELETE"u8, target.WrittenSpan, default, hasBody: false);
    }

    private static bool TryWriteHrefRequest(Uri url, RequestWriter requests, ReadOnlySpan<byte> method, ReadOnlySpan<byte> href, out ReadOnlyMemory<byte> request)
    {
        if (href.Length > 1 && href[0] == (byte)'/' && href[1] != (byte)'/')
        {
            request = requests.Write(method, href, default, hasBody: false);
            return true;
        }

        if (!Uri.TryCreate(url, Encoding.UTF8.GetString(href), out var uri) ||
            !string.Equals(uri.Host, url.Host, StringComparison.OrdinalIgnoreCase) || uri.Port != url.Port)
        {
            request = default;
            return false;
        }

        request = requests.Write(method, Encoding.UTF8.GetBytes(uri.PathAndQuery), default, hasBody: false);
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(Outcome Outcome, bool InWindow)> SendAsync(
        LoadConnection connection, RatePacer pacer, ReadOnlyMemory<byte> request, RequestKind kind, RunStats stats, bool keepBody)
    {
        // The latency starts at the slot, not before it: waiting for the slot is not the server's time.
        await pacer.WaitAsync(_end);
        var started = Stopwatch.GetTimestamp();
        var inWindow = started >= _warmupEnd && started < _end;
        stats.TotalRequests[(int)kind]++;
        try
        {
            await connection.SendAsync(request, keepBody);
            var status = connection.Status;
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

            return (new Outcome(status, keepBody && status is 200 or 201 ? connection.Body : default), inWindow);
        }
        catch (Exception e) when (IsRequestFailure(e))
        {
            var cause = Describe(e);
            stats.AddError(kind, cause);
            ReportFirst(RunStats.Name(kind) + " " + cause, e);
            return (new Outcome(0, default), inWindow);
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

    /// <summary>One set-up or tear-down request on the admin connection; returns the status (the body is on <see cref="_admin"/>).</summary>
    private async Task<int> AdminAsync(string method, string path, byte[]? body, bool keepBody = false)
    {
        var request = _adminRequests.Write(Encoding.ASCII.GetBytes(method), Target(_options.Url, path), body, hasBody: body is not null);
        await _admin.SendAsync(request, keepBody);
        return _admin.Status;
    }

    private static bool IsRequestFailure(Exception e) =>
        e is LoadHttpException or IOException or SocketException or AuthenticationException or ObjectDisposedException;

    /// <summary>
    /// A short cause for an exception: "timeout", "ResponseEnded", "InvalidResponse", or the socket error
    /// ("ConnectionError/ConnectionRefused", ...) as HttpClient's tool reported it.
    /// </summary>
    public static string Describe(Exception e)
    {
        if (e is LoadHttpException http)
        {
            return http.Cause;
        }

        if (e is AuthenticationException)
        {
            return "SecureConnectionError";
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return "ConnectionError/" + socket.SocketErrorCode;
            }
        }

        return e.GetType().Name;
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
