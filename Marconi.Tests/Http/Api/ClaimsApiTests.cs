namespace Marconi.Tests.Http.Api;

public sealed class ClaimsApiTests : ApiTestBase
{
    [Fact]
    public async Task Claim_answers_201_with_messages_and_location()
    {
        var ids = await PostNumberedAsync("q", 3);

        var response = await SendAsync("POST", "/v2/queues/q/claims?limit=2", """{"ttl": 300, "grace": 200}""");

        Assert.Equal(201, response.Status);
        AssertKeys(response.Json, "messages");
        var location = response.Header("Location")!;
        Assert.StartsWith("/v2/queues/q/claims/", location, StringComparison.Ordinal);
        var claimId = location.Split('/')[^1];
        var messages = response.Json.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(ids.Take(2), messages.Select(m => m.GetProperty("id").GetString()!));
        AssertKeys(messages[0], "age", "body", "href", "id", "ttl");
        Assert.Equal($"/v2/queues/q/messages/{ids[0]}?claim_id={claimId}", messages[0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task Claim_without_body_takes_the_defaults()
    {
        await PostNumberedAsync("q", 12);

        var response = await SendAsync("POST", "/v2/queues/q/claims");
        var claim = (await GetAsync(response.Header("Location")!)).Json;

        Assert.Equal(10, response.Json.GetProperty("messages").GetArrayLength());
        Assert.Equal(300, claim.GetProperty("ttl").GetInt32());
    }

    [Fact]
    public async Task Claim_with_nothing_to_claim_is_204()
    {
        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/missing/claims")).Status);
        await PostNumberedAsync("q", 1);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/q/claims")).Status);
        var again = await SendAsync("POST", "/v2/queues/q/claims");
        Assert.Equal(204, again.Status);
        Assert.Empty(again.Body);
    }

    [Theory]
    [InlineData("limit=0", "{}", 400)]
    [InlineData("limit=20", "{}", 201)]
    [InlineData("limit=21", "{}", 400)]
    [InlineData("limit=1", """{"ttl": 59}""", 400)]
    [InlineData("limit=1", """{"ttl": 60}""", 201)]
    [InlineData("limit=1", """{"ttl": 43200}""", 201)]
    [InlineData("limit=1", """{"ttl": 43201}""", 400)]
    [InlineData("limit=1", """{"grace": 59}""", 400)]
    [InlineData("limit=1", """{"grace": 60}""", 201)]
    [InlineData("limit=1", """{"ttl": "60"}""", 400)]
    [InlineData("limit=1", """[60]""", 400)]
    [InlineData("limit=1", """{"ttl": """, 400)]
    public async Task Claim_boundaries(string query, string body, int status)
    {
        await PostNumberedAsync("q", 21);

        var response = await SendAsync("POST", "/v2/queues/q/claims?" + query, body);

        Assert.True(status == response.Status, response.ToString());
        if (status == 400)
        {
            AssertError(response, 400);
        }
    }

    [Fact]
    public async Task Get_claim_answers_age_ttl_href_and_messages()
    {
        var ids = await PostNumberedAsync("q", 2);
        var location = (await SendAsync("POST", "/v2/queues/q/claims", """{"ttl": 120, "grace": 60}""")).Header("Location")!;
        Advance(7);

        var response = await GetAsync(location);

        Assert.Equal(200, response.Status);
        var json = response.Json;
        AssertKeys(json, "age", "href", "messages", "ttl");
        Assert.Equal(7, json.GetProperty("age").GetInt64());
        Assert.Equal(120, json.GetProperty("ttl").GetInt32());
        Assert.Equal(location, json.GetProperty("href").GetString());
        var claimId = location.Split('/')[^1];
        Assert.Equal(ids.Select(id => $"/v2/queues/q/messages/{id}?claim_id={claimId}"), json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("href").GetString()!));
    }

    [Fact]
    public async Task Missing_or_expired_claim_is_404_on_get_and_patch()
    {
        await PostNumberedAsync("q", 1);
        var location = (await SendAsync("POST", "/v2/queues/q/claims", """{"ttl": 60, "grace": 60}""")).Header("Location")!;

        AssertError(await GetAsync("/v2/queues/q/claims/000000000000000000000000"), 404);
        AssertError(await SendAsync("PATCH", "/v2/queues/q/claims/000000000000000000000000", """{"ttl": 60}"""), 404);
        Advance(61);
        AssertError(await GetAsync(location), 404);
    }

    [Fact]
    public async Task Patch_renews_the_claim()
    {
        await PostNumberedAsync("q", 1);
        var location = (await SendAsync("POST", "/v2/queues/q/claims", """{"ttl": 60, "grace": 60}""")).Header("Location")!;
        Advance(50);

        var response = await SendAsync("PATCH", location, """{"ttl": 200, "grace": 60}""");
        Advance(50);
        var claim = await GetAsync(location);

        Assert.Equal(204, response.Status);
        Assert.Empty(response.Body);
        Assert.Equal(200, claim.Status);
        Assert.Equal(200, claim.Json.GetProperty("ttl").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("""{"ttl": 59}""")]
    [InlineData("""{"ttl": 43201}""")]
    [InlineData("""{"ttl": "x"}""")]
    public async Task Patch_with_a_bad_body_is_400(string body)
    {
        await PostNumberedAsync("q", 1);
        var location = (await SendAsync("POST", "/v2/queues/q/claims")).Header("Location")!;

        AssertError(await SendAsync("PATCH", location, body), 400);
    }

    [Fact]
    public async Task Delete_releases_the_messages_and_is_204_when_missing()
    {
        await PostNumberedAsync("q", 2);
        var location = (await SendAsync("POST", "/v2/queues/q/claims")).Header("Location")!;

        Assert.Equal(204, (await SendAsync("DELETE", location)).Status);
        Assert.Equal(204, (await SendAsync("DELETE", location)).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/q/claims/000000000000000000000000")).Status);
        Assert.Equal(2, (await GetAsync("/v2/queues/q/messages?echo=true")).Json.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Claims_are_isolated_by_project()
    {
        await PostNumberedAsync("q", 1);
        var location = (await SendAsync("POST", "/v2/queues/q/claims")).Header("Location")!;

        AssertError(await GetAsync(location, project: OtherProject), 404);
        AssertError(await SendAsync("PATCH", location, """{"ttl": 100}""", project: OtherProject), 404);
        Assert.Equal(204, (await SendAsync("DELETE", location, project: OtherProject)).Status);
        Assert.Equal(200, (await GetAsync(location)).Status);
    }
}
