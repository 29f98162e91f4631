namespace Marconi.Tests.Http.Api;

/// <summary>The v2 subscription resource: shapes, statuses and headers as Zaqar 15 answers them.</summary>
public sealed class SubscriptionsApiTests : ApiTestBase
{
    private const string Collection = "/v2/queues/q/subscriptions";

    private async Task<string> SubscribeAsync(string subscriber = "http://127.0.0.1:9999/hook", string extra = "", string project = Project)
    {
        var response = await SendAsync("POST", Collection, $$"""{"subscriber": "{{subscriber}}"{{extra}}}""", project);
        Assert.True(response.Status == 201, response.ToString());
        return response.Json.GetProperty("subscription_id").GetString()!;
    }

    [Fact]
    public async Task Create_answers_201_with_the_id_and_location()
    {
        var response = await SendAsync("POST", Collection, """{"subscriber": "http://127.0.0.1/x", "ttl": 600, "options": {"a": 1}}""");

        Assert.Equal(201, response.Status);
        Assert.Equal(Collection, response.Header("Location"));
        Assert.Equal("application/json; charset=UTF-8", response.Header("Content-Type"));
        AssertKeys(response.Json, "subscription_id");
        var queues = (await GetAsync("/v2/queues")).Json.GetProperty("queues").EnumerateArray();
        Assert.Equal(["q"], queues.Select(q => q.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Get_answers_the_subscription_in_zaqars_shape()
    {
        var id = await SubscribeAsync(extra: """, "ttl": 600, "options": {"a": [1, 2]}""");
        Advance(5);

        var response = await GetAsync($"{Collection}/{id}");

        Assert.Equal(200, response.Status);
        var json = response.Json;
        AssertKeys(json, "age", "confirmed", "id", "options", "source", "subscriber", "ttl");
        Assert.Equal(id, json.GetProperty("id").GetString());
        Assert.Equal("q", json.GetProperty("source").GetString());
        Assert.Equal("http://127.0.0.1:9999/hook", json.GetProperty("subscriber").GetString());
        Assert.Equal(600, json.GetProperty("ttl").GetInt64());
        Assert.Equal(5, json.GetProperty("age").GetInt64());
        Assert.Equal(2, json.GetProperty("options").GetProperty("a").GetArrayLength());
        Assert.False(json.GetProperty("confirmed").GetBoolean());
    }

    [Fact]
    public async Task Duplicate_subscriber_gets_the_same_id_until_confirmed_then_409()
    {
        var id = await SubscribeAsync();
        Assert.Equal(id, await SubscribeAsync());

        var confirm = await SendAsync("PUT", $"{Collection}/{id}/confirm", """{"confirmed": true}""");
        Assert.Equal(204, confirm.Status);
        Assert.Equal($"{Collection}/{id}/confirm", confirm.Header("Location"));
        Assert.True((await GetAsync($"{Collection}/{id}")).Json.GetProperty("confirmed").GetBoolean());

        var conflict = await SendAsync("POST", Collection, """{"subscriber": "http://127.0.0.1:9999/hook"}""");
        AssertError(conflict, 409);
        Assert.Equal(Collection, conflict.Header("Location"));
    }

    [Theory]
    [InlineData(null, 400)]
    [InlineData("", 400)]
    [InlineData("{}", 400)]
    [InlineData("[]", 400)]
    [InlineData("\"x\"", 400)]
    [InlineData("""{"subscriber": 1}""", 400)]
    [InlineData("""{"subscriber": null}""", 400)]
    [InlineData("""{"subscriber": "ftp://h/x"}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "ttl": 59}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "ttl": 60}""", 201)]
    [InlineData("""{"subscriber": "http://h/x", "ttl": "60"}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "ttl": 60.5}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "ttl": 1e400}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "options": []}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "options": {"_retry_policy": {"minimum_delay": 29}}}""", 400)]
    [InlineData("""{"subscriber": "http://h/x", "options": null, "ttl": null}""", 201)]
    [InlineData("""{"subscriber": "mailto:a@h", "extra": {"ignored": true}}""", 201)]
    [InlineData("""{"subscriber": "http://h/x" """, 400)]
    public async Task Create_validation(string? body, int status)
    {
        var response = await SendAsync("POST", Collection, body);

        if (status == 201)
        {
            Assert.True(response.Status == 201, response.ToString());
        }
        else
        {
            AssertError(response, status);
        }
    }

    [Fact]
    public async Task Create_error_texts_are_zaqars()
    {
        Assert.Equal("Missing parameter subscriber in body.", AssertError(await SendAsync("POST", Collection, "{}"), 400).GetProperty("description").GetString());
        Assert.Equal("Subscriptions must be a dict.", AssertError(await SendAsync("POST", Collection, "[1]"), 400).GetProperty("description").GetString());
        Assert.Equal("TTL must be an integer.", AssertError(await SendAsync("POST", Collection, """{"subscriber": "http://h", "ttl": true}"""), 400).GetProperty("description").GetString());
        Assert.Equal("Options must be a dict.", AssertError(await SendAsync("POST", Collection, """{"subscriber": "http://h", "options": 1}"""), 400).GetProperty("description").GetString());
        Assert.Equal(
            "The subscriber type of subscription must be supported in the list ['http', 'https', 'mailto', 'trust+http', 'trust+https'].",
            AssertError(await SendAsync("POST", Collection, """{"subscriber": "gopher://h"}"""), 400).GetProperty("description").GetString());
        Assert.Equal(
            "The TTL for a subscription must be at least 60 seconds long.",
            AssertError(await SendAsync("POST", Collection, """{"subscriber": "http://h", "ttl": 1}"""), 400).GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var body = "{\"subscriber\": \"http://h\", \"options\": {\"x\": \"" + new string('a', 70_000) + "\"}}";

        AssertError(await SendAsync("POST", Collection, body), 413);
    }

    [Fact]
    public async Task List_pages_with_next_links_and_validates_limit()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubscribeAsync($"http://127.0.0.1/{i}"));
        }

        var first = await GetAsync($"{Collection}?limit=2");
        Assert.Equal(200, first.Status);
        AssertKeys(first.Json, "links", "subscriptions");
        var page = first.Json.GetProperty("subscriptions").EnumerateArray().ToList();
        Assert.Equal(ids.Take(2), page.Select(s => s.GetProperty("id").GetString()!));
        AssertKeys(page[0], "age", "confirmed", "id", "options", "source", "subscriber", "ttl");
        var link = first.Json.GetProperty("links")[0];
        Assert.Equal("next", link.GetProperty("rel").GetString());
        Assert.Equal($"{Collection}?marker={ids[1]}&limit=2", link.GetProperty("href").GetString());

        var second = await GetAsync(link.GetProperty("href").GetString()!);
        Assert.Equal([ids[2]], second.Json.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
        var third = await GetAsync(second.Json.GetProperty("links")[0].GetProperty("href").GetString()!);
        Assert.Equal(0, third.Json.GetProperty("subscriptions").GetArrayLength());
        Assert.Equal(0, third.Json.GetProperty("links").GetArrayLength());

        AssertError(await GetAsync($"{Collection}?limit=0"), 400);
        AssertError(await GetAsync($"{Collection}?limit=21"), 400);
        AssertError(await GetAsync($"{Collection}?limit=x"), 400);
        Assert.Equal(200, (await GetAsync($"{Collection}?limit=20")).Status);
        Assert.Equal(0, (await GetAsync("/v2/queues/missing/subscriptions")).Json.GetProperty("subscriptions").GetArrayLength());
    }

    [Fact]
    public async Task Patch_updates_and_answers_204_with_location()
    {
        var id = await SubscribeAsync();

        var response = await SendAsync("PATCH", $"{Collection}/{id}", """{"subscriber": "mailto:x@h", "ttl": 120, "options": {"k": "v"}}""");

        Assert.Equal(204, response.Status);
        Assert.Equal($"{Collection}/{id}", response.Header("Location"));
        var json = (await GetAsync($"{Collection}/{id}")).Json;
        Assert.Equal("mailto:x@h", json.GetProperty("subscriber").GetString());
        Assert.Equal(120, json.GetProperty("ttl").GetInt64());
        Assert.Equal("v", json.GetProperty("options").GetProperty("k").GetString());
    }

    [Fact]
    public async Task Patch_errors()
    {
        var id = await SubscribeAsync();
        var other = await SubscribeAsync("http://127.0.0.1/other");

        Assert.Equal("No subscription to create.", AssertError(await SendAsync("PATCH", $"{Collection}/{id}", "{}"), 400).GetProperty("description").GetString());
        AssertError(await SendAsync("PATCH", $"{Collection}/{id}", null), 400);
        AssertError(await SendAsync("PATCH", $"{Collection}/{id}", """{"unknown": 1}"""), 400);
        AssertError(await SendAsync("PATCH", $"{Collection}/{id}", """{"ttl": 59}"""), 400);
        AssertError(await SendAsync("PATCH", $"{Collection}/{id}", """{"subscriber": "ftp://x"}"""), 400);
        AssertError(await SendAsync("PATCH", $"{Collection}/{id}", """{"options": "x"}"""), 400);
        AssertError(await SendAsync("PATCH", $"{Collection}/{other}", """{"subscriber": "http://127.0.0.1:9999/hook"}"""), 409);
        AssertError(await SendAsync("PATCH", $"{Collection}/0000000000000001deadbeef", """{"ttl": 100}"""), 404);
        AssertError(await SendAsync("PATCH", "/v2/queues/missing/subscriptions/x", """{"ttl": 100}"""), 404);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{"confirmed": "true"}""")]
    [InlineData("""{"confirmed": 1}""")]
    [InlineData("[true]")]
    public async Task Confirm_needs_a_boolean(string? body)
    {
        var id = await SubscribeAsync();

        var error = AssertError(await SendAsync("PUT", $"{Collection}/{id}/confirm", body), 400);

        if (body is not "[true]")
        {
            Assert.Equal("The 'confirmed' should be boolean.", error.GetProperty("description").GetString());
        }
    }

    [Fact]
    public async Task Confirm_false_unconfirms_and_a_missing_subscription_is_404()
    {
        var id = await SubscribeAsync();
        await SendAsync("PUT", $"{Collection}/{id}/confirm", """{"confirmed": true}""");

        Assert.Equal(204, (await SendAsync("PUT", $"{Collection}/{id}/confirm", """{"confirmed": false}""")).Status);

        Assert.False((await GetAsync($"{Collection}/{id}")).Json.GetProperty("confirmed").GetBoolean());
        AssertError(await SendAsync("PUT", $"{Collection}/0000000000000001deadbeef/confirm", """{"confirmed": true}"""), 404);
        AssertError(await SendAsync("POST", $"{Collection}/{id}/confirm", """{"confirmed": true}"""), 405);
    }

    [Fact]
    public async Task Delete_is_204_also_when_missing_and_get_after_it_is_404()
    {
        var id = await SubscribeAsync();

        Assert.Equal(204, (await SendAsync("DELETE", $"{Collection}/{id}")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", $"{Collection}/{id}")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/missing/subscriptions/nope")).Status);

        var missing = AssertError(await GetAsync($"{Collection}/{id}"), 404);
        Assert.Equal($"Subscription {id} does not exist.", missing.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Purge_removes_subscriptions_when_asked_and_by_default()
    {
        var a = await SubscribeAsync("http://127.0.0.1/a");
        await PostNumberedAsync("q", 2);

        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/purge", """{"resource_types": ["messages"]}""")).Status);
        Assert.Equal(200, (await GetAsync($"{Collection}/{a}")).Status);

        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/purge", """{"resource_types": ["subscriptions"]}""")).Status);
        AssertError(await GetAsync($"{Collection}/{a}"), 404);

        var b = await SubscribeAsync("http://127.0.0.1/b");
        await PostNumberedAsync("q", 2);
        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/purge")).Status);
        AssertError(await GetAsync($"{Collection}/{b}"), 404);
        Assert.Equal(0, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Methods_and_versions()
    {
        var id = await SubscribeAsync();

        var put = await SendAsync("PUT", Collection, "{}");
        AssertError(put, 405);
        Assert.Equal("GET, POST, OPTIONS", put.Header("Allow"));
        var post = await SendAsync("POST", $"{Collection}/{id}", "{}");
        AssertError(post, 405);
        Assert.Equal("GET, PATCH, DELETE, OPTIONS", post.Header("Allow"));
        AssertError(await GetAsync("/v1.1/queues/q/subscriptions"), 404);
    }

    [Fact]
    public async Task Another_project_sees_nothing()
    {
        var id = await SubscribeAsync();

        AssertError(await GetAsync($"{Collection}/{id}", OtherProject), 404);
        Assert.Equal(0, (await GetAsync(Collection, OtherProject)).Json.GetProperty("subscriptions").GetArrayLength());
        AssertError(await SendAsync("PATCH", $"{Collection}/{id}", """{"ttl": 100}""", OtherProject), 404);
        AssertError(await SendAsync("PUT", $"{Collection}/{id}/confirm", """{"confirmed": true}""", OtherProject), 404);
        Assert.Equal(204, (await SendAsync("DELETE", $"{Collection}/{id}", project: OtherProject)).Status);
        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/purge", project: OtherProject)).Status);

        Assert.Equal(200, (await GetAsync($"{Collection}/{id}")).Status);
        Assert.NotEqual(id, await SubscribeAsync(project: OtherProject));
    }
}
