namespace Marconi.Tests.Http.Api;

public sealed class V1_1ApiTests : ApiTestBase
{
    [Fact]
    public async Task Queue_lifecycle_with_v1_1_hrefs()
    {
        var created = await PutQueueAsync("q", """{"k": 1}""", version: "v1.1");
        var list = (await GetAsync("/v1.1/queues?detailed=true")).Json;
        var metadata = (await GetAsync("/v1.1/queues/q")).Json;

        Assert.Equal(201, created.Status);
        Assert.Equal("/v1.1/queues/q", created.Header("Location"));
        var queue = Assert.Single(list.GetProperty("queues").EnumerateArray());
        Assert.Equal("/v1.1/queues/q", queue.GetProperty("href").GetString());
        AssertKeys(queue.GetProperty("metadata"), "k");
        AssertKeys(metadata, "k");
        Assert.Equal("/v1.1/queues?marker=q&detailed=true", list.GetProperty("links")[0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task Get_of_a_missing_queue_is_an_empty_object()
    {
        await PutQueueAsync("qq", """{"k": 1}""", version: "v1.1");

        var response = await GetAsync("/v1.1/queues/q");

        Assert.Equal(200, response.Status);
        Assert.Empty(Keys(response.Json));
    }

    [Fact]
    public async Task Messages_and_claims_use_v1_1_hrefs()
    {
        var ids = await PostMessagesAsync("q", """[{"body": {"a": 1}, "ttl": 60}]""", version: "v1.1");
        var claim = await SendAsync("POST", "/v1.1/queues/q/claims");
        var claimId = claim.Header("Location")!.Split('/')[^1];

        Assert.Equal($"/v1.1/queues/q/claims/{claimId}", claim.Header("Location"));
        Assert.Equal($"/v1.1/queues/q/messages/{ids[0]}?claim_id={claimId}", claim.Json.GetProperty("messages")[0].GetProperty("href").GetString());
        Assert.Equal(200, (await GetAsync($"/v1.1/queues/q/claims/{claimId}")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", $"/v1.1/queues/q/messages/{ids[0]}?claim_id={claimId}")).Status);
    }

    [Fact]
    public async Task Delay_is_ignored_on_v1_1()
    {
        await PostMessagesAsync("q", """[{"body": 1, "delay": 300}]""", version: "v1.1");

        var listed = (await GetAsync("/v1.1/queues/q/messages?echo=true")).Json;

        Assert.Single(listed.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Patch_and_purge_are_not_served()
    {
        await PutQueueAsync("q", version: "v1.1");

        var patch = await SendAsync("PATCH", "/v1.1/queues/q", "[]", headers: ("Content-Type", "application/openstack-messaging-v2.0-json-patch"));

        AssertError(patch, 405);
        Assert.Equal("GET, PUT, DELETE, OPTIONS", patch.Header("Allow"));
        AssertError(await SendAsync("POST", "/v1.1/queues/q/purge"), 404);
    }

    [Fact]
    public async Task Ping_and_stats_work()
    {
        await PostMessagesAsync("q", """[{"body": 1}]""", version: "v1.1");

        Assert.Equal(204, (await GetAsync("/v1.1/ping")).Status);
        Assert.Equal(1, (await GetAsync("/v1.1/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
    }
}
