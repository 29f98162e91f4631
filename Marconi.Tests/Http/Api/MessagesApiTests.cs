using System.Text;
using System.Text.Json;
using Marconi.Http.Api;

namespace Marconi.Tests.Http.Api;

public sealed class MessagesApiTests : ApiTestBase
{
    [Fact]
    public async Task Post_answers_201_with_resources_and_location()
    {
        var response = await SendAsync("POST", "/v2/queues/q/messages", """{"messages": [{"body": {"event": "one"}, "ttl": 300}, {"body": "two"}]}""");

        Assert.Equal(201, response.Status);
        AssertKeys(response.Json, "resources");
        var hrefs = response.Json.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Equal(2, hrefs.Count);
        Assert.All(hrefs, h => Assert.StartsWith("/v2/queues/q/messages/", h, StringComparison.Ordinal));
        var ids = hrefs.Select(h => h.Split('/')[^1]).ToList();
        Assert.Equal("/v2/queues/q/messages?ids=" + Ids(ids), response.Header("Location"));
        Assert.True(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Fact]
    public async Task Bodies_come_back_byte_for_byte()
    {
        const string body = """{"b" : [1, 2.50, "\u00e9t\u00e9", null, true],   "nested":{"x":{}}}""";
        var ids = await PostMessagesAsync("q", $$"""[{"body": {{body}}, "ttl": 120}]""");

        var response = await GetAsync($"/v2/queues/q/messages/{ids[0]}");

        Assert.Equal(200, response.Status);
        Assert.Contains("\"body\":" + body, response.Text, StringComparison.Ordinal);
        var json = response.Json;
        AssertKeys(json, "age", "body", "href", "id", "ttl");
        Assert.Equal(ids[0], json.GetProperty("id").GetString());
        Assert.Equal($"/v2/queues/q/messages/{ids[0]}", json.GetProperty("href").GetString());
        Assert.Equal(120, json.GetProperty("ttl").GetInt32());
        Assert.Equal(0, json.GetProperty("age").GetInt64());
    }

    [Theory]
    [InlineData("""{"messages": []}""")]
    [InlineData("""{"nothing": []}""")]
    [InlineData("""{"messages": {"body": 1}}""")]
    [InlineData("""{"messages": [{"ttl": 60}]}""")]
    [InlineData("""{"messages": [{"body": 1, "ttl": "60"}]}""")]
    [InlineData("""{"messages": [{"body": 1, "ttl": 60.5}]}""")]
    [InlineData("""{"messages": [1]}""")]
    [InlineData("""[{"body": 1}]""")]
    [InlineData("""{"messages": [{"body": 1""")]
    [InlineData("")]
    public async Task Post_with_a_bad_document_is_400(string body)
    {
        AssertError(await SendAsync("POST", "/v2/queues/q/messages", body), 400);
    }

    [Theory]
    [InlineData(59, 400)]
    [InlineData(60, 201)]
    [InlineData(1209600, 201)]
    [InlineData(1209601, 400)]
    public async Task Post_ttl_boundaries(int ttl, int status)
    {
        var response = await SendAsync("POST", "/v2/queues/q/messages", $$"""{"messages": [{"body": 1, "ttl": {{ttl}}}]}""");

        Assert.Equal(status, response.Status);
    }

    [Theory]
    [InlineData(-1, 400)]
    [InlineData(900, 201)]
    [InlineData(901, 400)]
    public async Task Post_delay_boundaries(int delay, int status)
    {
        var response = await SendAsync("POST", "/v2/queues/q/messages", $$"""{"messages": [{"body": 1, "delay": {{delay}}}]}""");

        Assert.Equal(status, response.Status);
    }

    [Fact]
    public async Task Post_body_over_the_limit_is_413()
    {
        const string prefix = "{\"messages\": [{\"body\": \"";
        const string suffix = "\"}]}";
        var atLimit = prefix + new string('x', 262144 - prefix.Length - suffix.Length) + suffix;

        Assert.Equal(262144, Encoding.UTF8.GetByteCount(atLimit));
        AssertError(await SendAsync("POST", "/v2/queues/q/messages", atLimit.Insert(prefix.Length, "x")), 413);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/q/messages", atLimit)).Status);
    }

    [Fact]
    public async Task Queue_post_size_limit_is_413()
    {
        await PutQueueAsync("q", """{"_max_messages_post_size": 10}""");

        AssertError(await SendAsync("POST", "/v2/queues/q/messages", """{"messages": [{"body": "0123456789"}]}"""), 413);
    }

    [Fact]
    public async Task List_hides_own_messages_unless_echo_and_links_to_the_next_page()
    {
        var ids = await PostNumberedAsync("q", 3);

        var own = (await GetAsync("/v2/queues/q/messages")).Json;
        var response = await GetAsync("/v2/queues/q/messages?echo=true&limit=2");

        AssertKeys(own, "links", "messages");
        Assert.Empty(own.GetProperty("messages").EnumerateArray());
        Assert.Empty(own.GetProperty("links").EnumerateArray());
        Assert.Equal(200, response.Status);
        var json = response.Json;
        AssertKeys(json, "links", "messages");
        var messages = json.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(ids.Take(2), messages.Select(m => m.GetProperty("id").GetString()!));
        AssertKeys(messages[0], "age", "body", "href", "id", "ttl");
        Assert.Equal(0, messages[0].GetProperty("body").GetProperty("n").GetInt32());
        var link = Assert.Single(json.GetProperty("links").EnumerateArray());
        Assert.Equal("next", link.GetProperty("rel").GetString());
        Assert.Equal($"/v2/queues/q/messages?marker={ids[1]}&limit=2&echo=true", link.GetProperty("href").GetString());

        var next = (await GetAsync(link.GetProperty("href").GetString()!)).Json;
        Assert.Equal(ids[2], Assert.Single(next.GetProperty("messages").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task List_as_another_client_sees_messages_without_echo()
    {
        await PostNumberedAsync("q", 2);

        var json = (await GetAsync("/v2/queues/q/messages", clientId: OtherClientId)).Json;

        Assert.Equal(2, json.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task List_of_a_missing_queue_is_200_and_empty()
    {
        var response = await GetAsync("/v2/queues/missing/messages");

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Json.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task List_shows_claimed_only_when_asked_with_the_claim_in_the_href()
    {
        var ids = await PostNumberedAsync("q", 2);
        var claim = await SendAsync("POST", "/v2/queues/q/claims?limit=1");
        var claimId = claim.Header("Location")!.Split('/')[^1];

        var unclaimed = (await GetAsync("/v2/queues/q/messages?echo=true")).Json.GetProperty("messages");
        var all = (await GetAsync("/v2/queues/q/messages?echo=true&include_claimed=true")).Json.GetProperty("messages");

        Assert.Equal(ids[1], Assert.Single(unclaimed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(2, all.GetArrayLength());
        Assert.Equal($"/v2/queues/q/messages/{ids[0]}?claim_id={claimId}", all[0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task List_shows_delayed_only_when_asked()
    {
        await PostMessagesAsync("q", """[{"body": 1, "delay": 60}]""");

        Assert.Empty((await GetAsync("/v2/queues/q/messages?echo=true")).Json.GetProperty("messages").EnumerateArray());
        Assert.Single((await GetAsync("/v2/queues/q/messages?echo=true&include_delayed=true")).Json.GetProperty("messages").EnumerateArray());
        Advance(61);
        Assert.Single((await GetAsync("/v2/queues/q/messages?echo=true")).Json.GetProperty("messages").EnumerateArray());
    }

    [Theory]
    [InlineData(0, 400)]
    [InlineData(20, 200)]
    [InlineData(21, 400)]
    public async Task List_limit_boundaries(int limit, int status)
    {
        Assert.Equal(status, (await GetAsync($"/v2/queues/q/messages?limit={limit}")).Status);
    }

    [Fact]
    public async Task Get_by_ids_answers_the_existing_ones_and_404_when_none()
    {
        var ids = await PostNumberedAsync("q", 2);

        var response = await GetAsync($"/v2/queues/q/messages?ids={ids[1]},{ids[0]},000000000000000000000000");
        var none = await GetAsync("/v2/queues/q/messages?ids=000000000000000000000000");

        Assert.Equal(200, response.Status);
        AssertKeys(response.Json, "messages");
        Assert.Equal(new[] { ids[1], ids[0] }, response.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
        AssertError(none, 404);
    }

    [Fact]
    public async Task Ids_boundary_is_20()
    {
        var ids = await PostNumberedAsync("q", 20);
        var tooMany = Ids(ids.Append("000000000000000000000000"));

        Assert.Equal(20, (await GetAsync($"/v2/queues/q/messages?ids={Ids(ids)}")).Json.GetProperty("messages").GetArrayLength());
        AssertError(await GetAsync($"/v2/queues/q/messages?ids={tooMany}"), 400);
        AssertError(await SendAsync("DELETE", $"/v2/queues/q/messages?ids={tooMany}"), 400);
        Assert.Equal(204, (await SendAsync("DELETE", $"/v2/queues/q/messages?ids={Ids(ids)}")).Status);
        Assert.Equal(0, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Delete_by_ids_removes_them_and_ignores_missing_ones()
    {
        var ids = await PostNumberedAsync("q", 3);

        var response = await SendAsync("DELETE", $"/v2/queues/q/messages?ids={ids[0]},{ids[2]},000000000000000000000000");

        Assert.Equal(204, response.Status);
        Assert.Equal(ids[1], Assert.Single((await GetAsync("/v2/queues/q/messages?echo=true")).Json.GetProperty("messages").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Pop_answers_the_messages_it_took()
    {
        var ids = await PostNumberedAsync("q", 3);

        var response = await SendAsync("DELETE", "/v2/queues/q/messages?pop=2");

        Assert.Equal(200, response.Status);
        AssertKeys(response.Json, "messages");
        var popped = response.Json.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(ids.Take(2), popped.Select(m => m.GetProperty("id").GetString()!));
        AssertKeys(popped[0], "age", "body", "claim_count", "claim_id", "id", "ttl");
        Assert.Equal(JsonValueKind.Null, popped[0].GetProperty("claim_id").ValueKind);
        Assert.Equal(1, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("pop=0")]
    [InlineData("pop=21")]
    [InlineData("pop=x")]
    [InlineData("pop=1&ids=000000000000000000000000")]
    [InlineData("")]
    public async Task Bad_delete_parameters_are_400(string query)
    {
        AssertError(await SendAsync("DELETE", "/v2/queues/q/messages?" + query), 400);
    }

    [Fact]
    public async Task Pop_of_20_is_allowed()
    {
        await PostNumberedAsync("q", 21);

        Assert.Equal(20, (await SendAsync("DELETE", "/v2/queues/q/messages?pop=20")).Json.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Get_one_missing_is_404_and_delete_one_missing_is_204()
    {
        AssertError(await GetAsync("/v2/queues/q/messages/000000000000000000000000"), 404);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/q/messages/000000000000000000000000")).Status);
    }

    [Fact]
    public async Task Delete_one_removes_it()
    {
        var ids = await PostNumberedAsync("q", 1);

        Assert.Equal(204, (await SendAsync("DELETE", $"/v2/queues/q/messages/{ids[0]}")).Status);
        AssertError(await GetAsync($"/v2/queues/q/messages/{ids[0]}"), 404);
    }

    [Fact]
    public async Task Deleting_a_claimed_message_needs_its_claim()
    {
        var ids = await PostNumberedAsync("q", 2);
        var claim = await SendAsync("POST", "/v2/queues/q/claims?limit=1");
        var claimId = claim.Header("Location")!.Split('/')[^1];

        var forbidden = await SendAsync("DELETE", $"/v2/queues/q/messages/{ids[0]}");
        var wrongClaim = await SendAsync("DELETE", $"/v2/queues/q/messages/{ids[0]}?claim_id=000000000000000000000000");
        var claimOnFree = await SendAsync("DELETE", $"/v2/queues/q/messages/{ids[1]}?claim_id={claimId}");
        var single = (await GetAsync($"/v2/queues/q/messages/{ids[0]}")).Json;
        var deleted = await SendAsync("DELETE", $"/v2/queues/q/messages/{ids[0]}?claim_id={claimId}");

        Assert.Equal("Unable to delete", AssertError(forbidden, 403).GetProperty("title").GetString());
        AssertError(wrongClaim, 400);
        AssertError(claimOnFree, 400);
        Assert.Equal($"/v2/queues/q/messages/{ids[0]}?claim_id={claimId}", single.GetProperty("href").GetString());
        Assert.Equal(204, deleted.Status);
    }

    [Fact]
    public async Task Messages_are_isolated_by_project()
    {
        var ids = await PostNumberedAsync("q", 2);

        AssertError(await GetAsync($"/v2/queues/q/messages/{ids[0]}", project: OtherProject), 404);
        AssertError(await GetAsync($"/v2/queues/q/messages?ids={Ids(ids)}", project: OtherProject), 404);
        Assert.Empty((await GetAsync("/v2/queues/q/messages?echo=true", project: OtherProject)).Json.GetProperty("messages").EnumerateArray());
        Assert.Equal(204, (await SendAsync("DELETE", $"/v2/queues/q/messages?ids={Ids(ids)}", project: OtherProject)).Status);
        Assert.Empty((await SendAsync("DELETE", "/v2/queues/q/messages?pop=5", project: OtherProject)).Json.GetProperty("messages").EnumerateArray());
        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/claims", project: OtherProject)).Status);
        Assert.Equal(2, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Messages_expire_after_their_ttl()
    {
        var ids = await PostMessagesAsync("q", """[{"body": 1, "ttl": 60}]""");

        Advance(61);

        AssertError(await GetAsync($"/v2/queues/q/messages/{ids[0]}"), 404);
    }
}

public sealed class SmallPostLimitMessagesApiTests : ApiTestBase
{
    protected override ZaqarApiOptions? Options => new() { MaxMessagesPostSize = 64 };

    [Fact]
    public async Task The_api_post_limit_comes_from_the_options()
    {
        var atLimit = "{\"messages\": [{\"body\": \"" + new string('x', 64 - 28) + "\"}]}";

        Assert.Equal(64, atLimit.Length);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/q/messages", atLimit)).Status);
        AssertError(await SendAsync("POST", "/v2/queues/q/messages", atLimit.Replace("\"x", "\"xx", StringComparison.Ordinal)), 413);
    }
}
