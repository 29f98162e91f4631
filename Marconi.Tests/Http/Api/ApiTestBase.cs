using System.Text;
using System.Text.Json;
using Marconi.Core;
using Marconi.Http.Api;
using Marconi.Http.Hosting;
using Marconi.Storage.Faster;
using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Api;

/// <summary>A response as a test reads it: status, headers, body and its JSON.</summary>
public sealed class ApiResponse
{
    public ApiResponse(HttpResponse response)
    {
        Status = response.StatusCode;
        Headers = response.Headers.ToList();
        Body = response.Body.WrittenSpan.ToArray();
    }

    public int Status { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; }

    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public override string ToString() => $"{Status} {Text}";
}

/// <summary>
/// Drives <see cref="ZaqarApiHandler"/> directly with constructed requests over a real engine on a FASTER store in a
/// temp directory (a fresh one per test), with a fake clock.
/// </summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    protected const string Project = "project-a";
    protected const string OtherProject = "project-b";
    protected const string ClientId = "3381af92-2b9e-11e3-b191-71861300734c";
    protected const string OtherClientId = "3381af92-2b9e-11e3-b191-71861300734d";

    private EngineHarness? _harness;
    private ZaqarApiHandler? _handler;

    protected EngineHarness Harness => _harness ?? throw new InvalidOperationException("Not initialized.");

    protected QueueEngine Engine => Harness.Engine;

    protected ZaqarApiHandler Handler => _handler ?? throw new InvalidOperationException("Not initialized.");

    protected virtual ZaqarApiOptions? Options => null;

    /// <summary>Changes the store's options (for example to inject storage faults); null keeps the harness's.</summary>
    protected virtual Func<FasterQueueStoreOptions, FasterQueueStoreOptions>? ConfigureStore => null;

    public async Task InitializeAsync()
    {
        _harness = await EngineHarness.CreateAsync(configure: ConfigureStore);
        _handler = new ZaqarApiHandler(_harness.Engine, Options);
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    protected void Advance(double seconds) => Harness.AdvanceSeconds(seconds);

    /// <summary>Sends a request with the standard headers (Client-ID, X-Project-ID) unless <paramref name="headers"/> replaces them.</summary>
    protected async Task<ApiResponse> SendAsync(
        string method,
        string pathAndQuery,
        string? body = null,
        string project = Project,
        string clientId = ClientId,
        params (string Name, string? Value)[] headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        var overridden = headers.Select(h => h.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!overridden.Contains("Client-ID"))
        {
            list.Add(new("Client-ID", clientId));
        }

        if (!overridden.Contains("X-Project-ID"))
        {
            list.Add(new("X-Project-ID", project));
        }

        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                list.Add(new(name, value));
            }
        }

        return await SendRawAsync(method, pathAndQuery, list, body is null ? default : Encoding.UTF8.GetBytes(body));
    }

    protected async Task<ApiResponse> SendRawAsync(string method, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body = default)
    {
        var question = pathAndQuery.IndexOf('?');
        var path = question < 0 ? pathAndQuery : pathAndQuery[..question];
        var query = question < 0 ? string.Empty : pathAndQuery[(question + 1)..];
        var request = new HttpRequest(method, path, query, headers, body);
        var response = new HttpResponse();
        await Handler.HandleAsync(request, response, CancellationToken.None);
        return new ApiResponse(response);
    }

    protected Task<ApiResponse> GetAsync(string path, string project = Project, string clientId = ClientId) => SendAsync("GET", path, null, project, clientId);

    protected Task<ApiResponse> PutQueueAsync(string queue, string? metadata = null, string project = Project, string version = "v2") =>
        SendAsync("PUT", $"/{version}/queues/{queue}", metadata, project);

    /// <summary>Posts messages through the API and returns their ids.</summary>
    protected async Task<List<string>> PostMessagesAsync(string queue, string messagesJson, string project = Project, string clientId = ClientId, string version = "v2")
    {
        var response = await SendAsync("POST", $"/{version}/queues/{queue}/messages", $$"""{"messages": {{messagesJson}}}""", project, clientId);
        Assert.True(response.Status == 201, response.ToString());
        return response.Json.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!.Split('/')[^1]).ToList();
    }

    /// <summary>Posts <paramref name="count"/> messages <c>{"n": i}</c> with ttl 300.</summary>
    protected Task<List<string>> PostNumberedAsync(string queue, int count, string project = Project, string clientId = ClientId)
    {
        var items = Enumerable.Range(0, count).Select(i => $$"""{"body": {"n": {{i}}}, "ttl": 300}""");
        return PostMessagesAsync(queue, "[" + string.Join(",", items) + "]", project, clientId);
    }

    protected static string Ids(IEnumerable<string> ids) => string.Join(",", ids);

    /// <summary>The property names of a JSON object, sorted.</summary>
    protected static string[] Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    protected static void AssertKeys(JsonElement element, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal).ToArray(), Keys(element));

    /// <summary>Asserts an error response: the status, JSON content type and exactly <c>title</c> and <c>description</c>.</summary>
    protected static JsonElement AssertError(ApiResponse response, int status)
    {
        Assert.True(status == response.Status, $"Expected {status}, got {response}");
        Assert.Equal("application/json; charset=UTF-8", response.Header("Content-Type"));
        var json = response.Json;
        AssertKeys(json, "description", "title");
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        return json;
    }
}
