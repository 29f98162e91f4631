using System.Text.Json;
using Marconi.Storage.Faster;
using Marconi.Tests.Durability;
using Marconi.Tests.Journal;
using Xunit.Abstractions;

namespace Marconi.Tests.Http.Api;

/// <summary>
/// Storage faults injected under the FASTER log, through the Zaqar API: writes answer 503 with a JSON error and
/// Retry-After (never 201 or 204), reads answer 200, and once the fault is gone writes succeed again by themselves.
/// </summary>
public sealed class StorageFaultApiTests(ITestOutputHelper output) : ApiTestBase
{
    private const string Queue = "orders";

    private readonly StorageFaults _faults = new();

    public static TheoryData<StorageFaultKind> Kinds => StorageFaultTests.Kinds;

    protected override Func<FasterQueueStoreOptions, FasterQueueStoreOptions>? ConfigureStore => o => o with
    {
        DeviceFactory = _faults.DeviceFactory,
        StorageRetryInterval = TimeSpan.FromMilliseconds(50),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public Task Writes_answer_503_during_a_fault_reads_answer_200_and_writes_come_back(StorageFaultKind kind) =>
        FaultLedger.WithinScenarioBound(() => RunApiFaultAsync(kind), $"The HTTP {kind} scenario");

    private async Task RunApiFaultAsync(StorageFaultKind kind)
    {
        var ledger = new FaultLedger();
        Assert.Equal(201, (await PutQueueAsync(Queue)).Status);
        for (var i = 0; i < 10; i++)
        {
            await PostAcknowledgedAsync(ledger, "before", 2);
        }

        foreach (var id in ledger.LiveIds.Take(3).ToList())
        {
            Assert.Equal(204, (await SendAsync("DELETE", $"/v2/queues/{Queue}/messages/{id}")).Status);
            ledger.AcknowledgedDelete(id);
        }

        _faults.Kind = kind;
        for (var i = 0; i < 5; i++)
        {
            var body = ledger.NextBody("refused");
            ledger.Refused(body);
            AssertUnavailable(await PostAsync(body), "POST during the fault");
        }

        await FaultLedger.WaitForFaultedWritesAsync(_faults, _faults.Injected + 2);
        var victim = ledger.LiveIds.Last();
        ledger.RefusedDelete(victim);
        AssertUnavailable(await SendAsync("DELETE", $"/v2/queues/{Queue}/messages/{victim}"), "DELETE during the fault");
        AssertUnavailable(await PutQueueAsync("created-during-fault"), "PUT queue during the fault");
        AssertUnavailable(await SendAsync("POST", $"/v2/queues/{Queue}/claims", """{"ttl": 300, "grace": 60}"""), "claim during the fault");

        ledger.AssertListing(await ListAllAsync(), $"HTTP listing during {kind}");
        var first = ledger.LiveIds.First();
        Assert.Equal(200, (await GetAsync($"/v2/queues/{Queue}/messages/{first}")).Status);
        Assert.Equal(200, (await GetAsync($"/v2/queues/{Queue}/stats")).Status);

        _faults.Kind = StorageFaultKind.None;
        var took = await FaultLedger.RetryUntilAcceptedAsync(
            async () =>
            {
                var body = ledger.NextBody("after");
                var response = await PostAsync(body);
                if (response.Status != 201)
                {
                    AssertUnavailable(response, "POST while recovering");
                    ledger.Refused(body);
                    return false;
                }

                ledger.Acknowledged(IdsOf(response).Single(), body);
                return true;
            },
            kind.ToString());
        output.WriteLine($"{kind}: 201 again {took.TotalMilliseconds:F0} ms after the fault was switched off");

        await PostAcknowledgedAsync(ledger, "after", 3);
        Assert.Equal(201, (await PutQueueAsync("created-after-fault")).Status);
        ledger.AssertListing(await ListAllAsync(), $"HTTP listing after {kind}");

        await Harness.ReopenAsync();
        await ledger.AssertQueueAsync(Harness.Engine, Project, Queue, $"Reopened after {kind}");
        Assert.True(await Harness.Engine.QueueExistsAsync(Project, "created-after-fault"));
    }

    private static void AssertUnavailable(ApiResponse response, string what)
    {
        Assert.True(response.Status == 503, $"{what}: expected 503, got {response}");
        var json = AssertError(response, 503);
        Assert.Contains("Storage is unavailable", json.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", response.Header("Retry-After"));
    }

    private Task<ApiResponse> PostAsync(params string[] bodies) =>
        SendAsync("POST", $"/v2/queues/{Queue}/messages", $$"""{"messages": [{{string.Join(",", bodies.Select(b => $$"""{"body": {{b}}, "ttl": 300}"""))}}]}""");

    private async Task PostAcknowledgedAsync(FaultLedger ledger, string tag, int count)
    {
        var bodies = Enumerable.Range(0, count).Select(_ => ledger.NextBody(tag)).ToArray();
        var response = await PostAsync(bodies);
        Assert.True(response.Status == 201, response.ToString());
        var ids = IdsOf(response);
        for (var i = 0; i < ids.Count; i++)
        {
            ledger.Acknowledged(ids[i], bodies[i]);
        }
    }

    private static List<string> IdsOf(ApiResponse response) =>
        response.Json.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!.Split('/')[^1]).ToList();

    /// <summary>Every message of the queue through the paged listing (echo, claimed included), as id and raw JSON body.</summary>
    private async Task<List<(string Id, string Body)>> ListAllAsync()
    {
        var all = new List<(string, string)>();
        var path = $"/v2/queues/{Queue}/messages?echo=true&include_claimed=true&limit=20";
        for (var pages = 0; pages < 100; pages++)
        {
            var response = await GetAsync(path);
            Assert.True(response.Status == 200, $"Listing: {response}");
            var json = response.Json;
            var messages = json.GetProperty("messages").EnumerateArray().ToList();
            if (messages.Count == 0)
            {
                return all;
            }

            all.AddRange(messages.Select(m => (m.GetProperty("id").GetString()!, m.GetProperty("body").GetRawText())));
            var next = json.GetProperty("links").EnumerateArray().FirstOrDefault(l => l.GetProperty("rel").GetString() == "next");
            if (next.ValueKind != JsonValueKind.Object)
            {
                return all;
            }

            path = next.GetProperty("href").GetString()!;
        }

        Assert.Fail("The listing did not end after 100 pages.");
        return all;
    }
}
