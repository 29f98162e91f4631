using System.Net;
using System.Text;

namespace Marconi.Client;

/// <summary>
/// A client of the Zaqar v2 HTTP API, as Marconi for .NET and OpenStack Zaqar serve it. Thread-safe; every call is
/// async and cancellable, answers an error status with a <see cref="MarconiApiException"/>, and retries as
/// <see cref="RetryPolicy"/> describes.
/// </summary>
public sealed class MarconiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client on its own <see cref="HttpClient"/>, disposed with it.</summary>
    public MarconiClient(MarconiClientOptions options)
        : this(options, new HttpClient { Timeout = TimeSpan.FromSeconds(100) }, ownsHttp: true)
    {
    }

    /// <summary>A client on <paramref name="http"/>, which stays the caller's to dispose.</summary>
    public MarconiClient(MarconiClientOptions options, HttpClient http)
        : this(options, http, ownsHttp: false)
    {
    }

    private MarconiClient(MarconiClientOptions options, HttpClient http, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        Options = options;
        _http = http;
        _ownsHttp = ownsHttp;
        Transport = new ApiTransport(http, options);
    }

    /// <summary>The options this client was made with.</summary>
    public MarconiClientOptions Options { get; }

    internal ApiTransport Transport { get; }

    /// <summary>A handle on the queue <paramref name="name"/> (no request is made).</summary>
    public QueueClient Queue(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new QueueClient(this, name);
    }

    /// <summary>One page of the project's queues, sorted by name.</summary>
    public async Task<QueuePage> ListQueuesAsync(int? limit = null, string? marker = null, bool detailed = false, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder("/queues?detailed=").Append(detailed ? "true" : "false");
        if (limit is { } l)
        {
            query.Append("&limit=").Append(l);
        }

        if (marker is not null)
        {
            query.Append("&marker=").Append(Uri.EscapeDataString(marker));
        }

        using var answer = await Transport.SendAsync(HttpMethod.Get, query.ToString(), null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (answer.Body is null)
        {
            return new QueuePage([], null);
        }

        var array = answer.Root.GetProperty("queues");
        var queues = new List<QueueInfo>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            var metadata = item.TryGetProperty("metadata", out var m) ? QueueMetadata.Read(m) : null;
            queues.Add(new QueueInfo(item.GetProperty("name").GetString()!, item.GetProperty("href").GetString()!, metadata));
        }

        return new QueuePage(queues, ModelReader.NextMarker(answer.Root, queues.Count));
    }

    /// <summary>Whether the server answers <c>GET /v2/ping</c> with 204 (false on 503, after the retries).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var answer = await Transport.SendAsync(HttpMethod.Get, "/ping", null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
            return answer.Status == HttpStatusCode.NoContent;
        }
        catch (MarconiApiException failure) when (failure.Status == HttpStatusCode.ServiceUnavailable)
        {
            return false;
        }
    }

    /// <summary><c>GET /v2/health</c> (Zaqar serves it only to admins: others get a 403 <see cref="MarconiApiException"/>).</summary>
    public async Task<Health> HealthAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await Transport.SendAsync(HttpMethod.Get, "/health", null, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        var root = answer.Root;
        return new Health(root.TryGetProperty("storage_reachable", out var reachable) && reachable.GetBoolean(), root.Clone());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
