using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Marconi.Crash;

/// <summary>
/// The few Zaqar v2 calls the campaign makes, on keep-alive HTTP/1.1 connections to one loopback server. Transport
/// failures (refused, reset, timed out) are thrown as they come: to the caller they mean "outcome unknown".
/// </summary>
internal sealed class ZaqarClient : IDisposable
{
    /// <summary>Zaqar's largest page.</summary>
    public const int PageSize = 20;

    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _base;

    /// <summary>A client of the server at <paramref name="baseUrl"/> (loopback only) in project <paramref name="project"/>.</summary>
    public ZaqarClient(Uri baseUrl, string project, int connections, TimeSpan timeout)
    {
        if (!IPAddress.TryParse(baseUrl.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"{baseUrl} is not a loopback address", nameof(baseUrl));
        }

        _base = baseUrl;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler)
        {
            BaseAddress = baseUrl,
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _http.DefaultRequestHeaders.ExpectContinue = false;
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.TryAddWithoutValidation("X-Project-ID", project);
    }

    /// <summary>GET /v2/ping: true on 204.</summary>
    public async Task<bool> PingAsync(string clientId, CancellationToken token)
    {
        using var response = await SendAsync(HttpMethod.Get, "v2/ping", clientId, null, token);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    /// <summary>PUT /v2/queues/{q}: the status.</summary>
    public async Task<int> CreateQueueAsync(string queue, string clientId)
    {
        using var response = await SendAsync(HttpMethod.Put, "v2/queues/" + queue, clientId, "{}"u8.ToArray(), CancellationToken.None);
        return (int)response.StatusCode;
    }

    /// <summary>POST /v2/queues/{q}/messages with a ready request body: the status and, on 201, the new ids in order.</summary>
    public async Task<(int Status, IReadOnlyList<string> Ids)> PostAsync(string queue, string clientId, byte[] body)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v2/queues/{queue}/messages", clientId, body, CancellationToken.None);
        var status = (int)response.StatusCode;
        if (status != 201)
        {
            return (status, []);
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var ids = new List<string>();
        foreach (var href in document.RootElement.GetProperty("resources").EnumerateArray())
        {
            var text = href.GetString() ?? string.Empty;
            ids.Add(text[(text.LastIndexOf('/') + 1)..]);
        }

        return (status, ids);
    }

    /// <summary>POST /v2/queues/{q}/claims: the status and, on 201, the claim id and the messages with their delete hrefs.</summary>
    public async Task<(int Status, string ClaimId, IReadOnlyList<(ServedMessage Message, string Href)> Messages)> ClaimAsync(
        string queue, string clientId, int limit, int ttl, int grace)
    {
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"ttl\":{ttl},\"grace\":{grace}}}"));
        using var response = await SendAsync(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"v2/queues/{queue}/claims?limit={limit}"), clientId, body, CancellationToken.None);
        var status = (int)response.StatusCode;
        if (status != 201)
        {
            return (status, string.Empty, []);
        }

        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        var claimId = location[(location.LastIndexOf('/') + 1)..];
        var messages = new List<(ServedMessage, string)>();
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
        {
            messages.Add((Served(message), message.GetProperty("href").GetString() ?? string.Empty));
        }

        return (status, claimId, messages);
    }

    /// <summary>DELETE of a message href (with its <c>?claim_id=</c>, or a plain <c>.../messages/{id}</c>): the status.</summary>
    public async Task<int> DeleteAsync(string href, string clientId)
    {
        // Hrefs are server-absolute paths; resolving them against the base keeps every request on this server.
        var target = new Uri(_base, href);
        if (target.Host != _base.Host || target.Port != _base.Port)
        {
            throw new InvalidOperationException($"the server sent an href to another host: {href}");
        }

        using var response = await SendAsync(HttpMethod.Delete, target.PathAndQuery.TrimStart('/'), clientId, null, CancellationToken.None);
        return (int)response.StatusCode;
    }

    /// <summary>Every message of a queue, oldest first, claimed and own ones included, paged by the last id of each page.</summary>
    public async Task<List<ServedMessage>> ListAllAsync(string queue, string clientId, int maxPages)
    {
        var all = new List<ServedMessage>();
        string? marker = null;
        for (var page = 0; page < maxPages; page++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"v2/queues/{queue}/messages?limit={PageSize}&echo=true&include_claimed=true");
            if (marker is not null)
            {
                path += "&marker=" + Uri.EscapeDataString(marker);
            }

            using var response = await SendAsync(HttpMethod.Get, path, clientId, null, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return all;
            }

            EnsureOk(response, "listing " + queue);
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            var count = 0;
            foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
            {
                var served = Served(message);
                all.Add(served);
                marker = served.Id;
                count++;
            }

            if (count == 0)
            {
                return all;
            }
        }

        throw new InvalidOperationException($"listing {queue} did not end within {maxPages} pages");
    }

    /// <summary>GET /v2/queues/{q}/messages?ids=...: the messages returned (none on 404).</summary>
    public async Task<List<ServedMessage>> GetByIdsAsync(string queue, string clientId, IReadOnlyList<string> ids)
    {
        var path = $"v2/queues/{queue}/messages?ids=" + string.Join(',', ids.Select(Uri.EscapeDataString));
        using var response = await SendAsync(HttpMethod.Get, path, clientId, null, CancellationToken.None);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        EnsureOk(response, "reading by id in " + queue);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return [.. document.RootElement.GetProperty("messages").EnumerateArray().Select(Served)];
    }

    /// <summary>GET /v2/queues/{q}/stats: the message counts.</summary>
    public async Task<QueueStats> StatsAsync(string queue, string clientId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v2/queues/{queue}/stats", clientId, null, CancellationToken.None);
        EnsureOk(response, "stats of " + queue);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var messages = document.RootElement.GetProperty("messages");
        return new QueueStats(messages.GetProperty("free").GetInt64(), messages.GetProperty("claimed").GetInt64(), messages.GetProperty("total").GetInt64());
    }

    public void Dispose() => _http.Dispose();

    private static ServedMessage Served(JsonElement message) =>
        new(message.GetProperty("id").GetString() ?? string.Empty, Encoding.UTF8.GetBytes(message.GetProperty("body").GetRawText()));

    private static void EnsureOk(HttpResponseMessage response, string what)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{what}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string clientId, byte[]? body, CancellationToken token)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Client-ID", clientId);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
    }
}
