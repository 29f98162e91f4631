using System.Net;
using System.Text;
using System.Text.Json;

namespace Marconi.Tests.Scale;

/// <summary>The few Zaqar v2 calls the multi-node tests make, on one node's base URL; statuses are checked by the callers.</summary>
internal static class ZaqarCalls
{
    public const string Project = "scale";

    /// <summary>POSTs the bodies (JSON strings) and returns the status and the ids of a 201.</summary>
    public static async Task<(HttpStatusCode Status, IReadOnlyList<string> Ids)> PostAsync(HttpClient http, string node, string queue, IReadOnlyList<string> bodies, CancellationToken cancellationToken = default)
    {
        var json = new StringBuilder("{\"messages\":[");
        for (var i = 0; i < bodies.Count; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append("{\"ttl\":3600,\"body\":").Append(JsonSerializer.Serialize(bodies[i])).Append('}');
        }

        json.Append("]}");
        using var request = Request(HttpMethod.Post, $"{node}/v2/queues/{queue}/messages", json.ToString());
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (response.StatusCode, []);
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var ids = new List<string>();
        foreach (var href in document.RootElement.GetProperty("resources").EnumerateArray())
        {
            ids.Add(href.GetString()![(href.GetString()!.LastIndexOf('/') + 1)..]);
        }

        return (response.StatusCode, ids);
    }

    /// <summary>Every live message (id → body), claimed ones included, paging with the next link; at most 200 pages.</summary>
    public static async Task<Dictionary<string, string>> ListAllAsync(HttpClient http, string node, string queue)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = $"/v2/queues/{queue}/messages?echo=true&include_claimed=true&limit=20";
        for (var page = 0; page < 200; page++)
        {
            using var request = Request(HttpMethod.Get, node + path, null);
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return found;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var messages = document.RootElement.GetProperty("messages");
            if (messages.GetArrayLength() == 0)
            {
                return found;
            }

            foreach (var message in messages.EnumerateArray())
            {
                found[message.GetProperty("id").GetString()!] = message.GetProperty("body").GetString()!;
            }

            path = document.RootElement.GetProperty("links")[0].GetProperty("href").GetString()!;
        }

        throw new InvalidOperationException("More than 200 pages: the listing does not end.");
    }

    /// <summary>Claims up to <paramref name="limit"/> messages; returns (id, href with claim id) pairs, empty on 204.</summary>
    public static async Task<IReadOnlyList<(string Id, string Href)>> ClaimAsync(HttpClient http, string node, string queue, int limit)
    {
        using var request = Request(HttpMethod.Post, $"{node}/v2/queues/{queue}/claims?limit={limit}", """{"ttl":300,"grace":300}""");
        using var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return [];
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var claimed = new List<(string, string)>();
        foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
        {
            claimed.Add((message.GetProperty("id").GetString()!, message.GetProperty("href").GetString()!));
        }

        return claimed;
    }

    /// <summary>Sends a request and returns its status.</summary>
    public static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, string url, string? body = null)
    {
        using var request = Request(method, url, body);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, string? body)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Client-ID", Guid.NewGuid().ToString());
        request.Headers.Add("X-Project-ID", Project);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }
}
