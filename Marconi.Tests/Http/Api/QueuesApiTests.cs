using System.Text.Json;
using Marconi.Http.Api;

namespace Marconi.Tests.Http.Api;

public sealed class QueuesApiTests : ApiTestBase
{
    private const string PatchType = "application/openstack-messaging-v2.0-json-patch";

    [Fact]
    public async Task Put_creates_with_201_and_location_then_204()
    {
        var created = await PutQueueAsync("fizbit", """{"color": "blue"}""");
        var again = await PutQueueAsync("fizbit", """{"color": "red"}""");

        Assert.Equal(201, created.Status);
        Assert.Equal("/v2/queues/fizbit", created.Header("Location"));
        Assert.Empty(created.Body);
        Assert.Equal(204, again.Status);
        Assert.Equal("blue", (await GetAsync("/v2/queues/fizbit")).Json.GetProperty("color").GetString());
    }

    [Fact]
    public async Task Put_without_body_creates_an_empty_queue()
    {
        Assert.Equal(201, (await PutQueueAsync("q")).Status);
        Assert.True(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public async Task Put_with_non_object_metadata_is_400(string body)
    {
        AssertError(await PutQueueAsync("q", body), 400);
    }

    [Fact]
    public async Task Put_with_malformed_json_is_400()
    {
        var error = AssertError(await PutQueueAsync("q", """{"a": """), 400);

        Assert.Equal("Invalid request body", error.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Put_with_invalid_reserved_metadata_is_400()
    {
        AssertError(await PutQueueAsync("q", """{"_default_message_ttl": 59}"""), 400);
        Assert.Equal(201, (await PutQueueAsync("q", """{"_default_message_ttl": 60}""")).Status);
    }

    [Fact]
    public async Task Put_metadata_over_the_limit_is_413()
    {
        var padding = new string('x', 65536 - """{"k":""}""".Length);
        var atLimit = $$"""{"k":"{{padding}}"}""";
        var overLimit = $$"""{"k":"{{padding}}x"}""";

        Assert.Equal(65536, atLimit.Length);
        AssertError(await PutQueueAsync("big", overLimit), 413);
        Assert.Equal(201, (await PutQueueAsync("big", atLimit)).Status);
    }

    [Fact]
    public async Task Get_answers_effective_metadata_also_for_a_missing_queue()
    {
        await PutQueueAsync("q", """{"color": "blue", "_default_message_ttl": 120}""");

        var existing = (await GetAsync("/v2/queues/q")).Json;
        var missing = await GetAsync("/v2/queues/missing");

        Assert.Equal("blue", existing.GetProperty("color").GetString());
        Assert.Equal(120, existing.GetProperty("_default_message_ttl").GetInt32());
        Assert.Equal(262144, existing.GetProperty("_max_messages_post_size").GetInt32());
        Assert.Equal(200, missing.Status);
        Assert.Equal(3600, missing.Json.GetProperty("_default_message_ttl").GetInt32());
    }

    [Fact]
    public async Task Delete_answers_204_also_when_missing()
    {
        await PutQueueAsync("q");

        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/q")).Status);
        Assert.Equal(204, (await SendAsync("DELETE", "/v2/queues/q")).Status);
        Assert.False(await Engine.QueueExistsAsync(Project, "q"));
    }

    [Fact]
    public async Task List_answers_names_hrefs_and_a_next_link()
    {
        foreach (var name in new[] { "b", "a", "c" })
        {
            await PutQueueAsync(name, """{"k": 1}""");
        }

        var response = await GetAsync("/v2/queues?limit=2");

        Assert.Equal(200, response.Status);
        var json = response.Json;
        AssertKeys(json, "links", "queues");
        var queues = json.GetProperty("queues").EnumerateArray().ToList();
        Assert.Equal(new[] { "a", "b" }, queues.Select(q => q.GetProperty("name").GetString()!).ToArray());
        AssertKeys(queues[0], "href", "name");
        Assert.Equal("/v2/queues/a", queues[0].GetProperty("href").GetString());
        var link = Assert.Single(json.GetProperty("links").EnumerateArray());
        AssertKeys(link, "href", "rel");
        Assert.Equal("next", link.GetProperty("rel").GetString());
        Assert.Equal("/v2/queues?marker=b&limit=2", link.GetProperty("href").GetString());

        var next = (await GetAsync(link.GetProperty("href").GetString()!)).Json;
        Assert.Equal("c", Assert.Single(next.GetProperty("queues").EnumerateArray()).GetProperty("name").GetString());
        var last = (await GetAsync(Assert.Single(next.GetProperty("links").EnumerateArray()).GetProperty("href").GetString()!)).Json;
        Assert.Empty(last.GetProperty("queues").EnumerateArray());
        Assert.Empty(last.GetProperty("links").EnumerateArray());
    }

    [Fact]
    public async Task List_detailed_includes_metadata_with_reserved_defaults_and_count()
    {
        await PutQueueAsync("a", """{"k": 1}""");
        await PutQueueAsync("b");

        var json = (await GetAsync("/v2/queues?detailed=true&with_count=true")).Json;

        var first = json.GetProperty("queues")[0];
        AssertKeys(first, "href", "metadata", "name");
        Assert.Equal(1, first.GetProperty("metadata").GetProperty("k").GetInt32());
        Assert.Equal(3600, first.GetProperty("metadata").GetProperty("_default_message_ttl").GetInt32());
        Assert.Equal(2, json.GetProperty("count").GetInt64());
        AssertKeys(json, "count", "links", "queues");
    }

    [Fact]
    public async Task List_filters_by_name_prefix()
    {
        await PutQueueAsync("alpha");
        await PutQueueAsync("alpine");
        await PutQueueAsync("beta");

        var json = (await GetAsync("/v2/queues?name=alp")).Json;

        Assert.Equal(new[] { "alpha", "alpine" }, json.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()!).ToArray());
    }

    [Theory]
    [InlineData(0, 400)]
    [InlineData(1, 200)]
    [InlineData(20, 200)]
    [InlineData(21, 400)]
    public async Task List_limit_boundaries(int limit, int status)
    {
        var response = await GetAsync($"/v2/queues?limit={limit}");

        Assert.Equal(status, response.Status);
    }

    [Fact]
    public async Task Queues_are_isolated_by_project()
    {
        await PutQueueAsync("shared", """{"owner": "a"}""");

        var other = (await GetAsync("/v2/queues", project: OtherProject)).Json;
        var created = await PutQueueAsync("shared", """{"owner": "b"}""", project: OtherProject);

        Assert.Empty(other.GetProperty("queues").EnumerateArray());
        Assert.Equal(201, created.Status);
        Assert.Equal("a", (await GetAsync("/v2/queues/shared")).Json.GetProperty("owner").GetString());
        Assert.Equal("b", (await GetAsync("/v2/queues/shared", project: OtherProject)).Json.GetProperty("owner").GetString());
    }

    [Fact]
    public async Task Patch_applies_operations_and_answers_the_whole_metadata()
    {
        await PutQueueAsync("q", """{"keep": 1, "drop": 2, "change": 3}""");

        var response = await SendAsync(
            "PATCH",
            "/v2/queues/q",
            """[{"op": "add", "path": "/metadata/new", "value": {"x": [1]}}, {"op": "remove", "path": "/metadata/drop"}, {"op": "replace", "path": "/metadata/change", "value": "three"}]""",
            headers: ("Content-Type", PatchType));

        Assert.Equal(200, response.Status);
        var json = response.Json;
        Assert.Equal(1, json.GetProperty("keep").GetInt32());
        Assert.False(json.TryGetProperty("drop", out _));
        Assert.Equal("three", json.GetProperty("change").GetString());
        Assert.Equal(1, json.GetProperty("new").GetProperty("x")[0].GetInt32());
        Assert.Equal(3600, json.GetProperty("_default_message_ttl").GetInt32());
    }

    [Fact]
    public async Task Patch_replace_of_an_unset_reserved_key_sets_it()
    {
        await PutQueueAsync("q");

        var response = await SendAsync("PATCH", "/v2/queues/q", """[{"op": "replace", "path": "/metadata/_default_message_ttl", "value": 90}]""", headers: ("Content-Type", PatchType));

        Assert.Equal(200, response.Status);
        Assert.Equal(90, response.Json.GetProperty("_default_message_ttl").GetInt32());
    }

    [Fact]
    public async Task Patch_with_wrong_content_type_is_415()
    {
        await PutQueueAsync("q");

        var response = await SendAsync("PATCH", "/v2/queues/q", """[{"op": "add", "path": "/metadata/a", "value": 1}]""", headers: ("Content-Type", "application/json"));

        AssertError(response, 415);
    }

    [Fact]
    public async Task Patch_of_a_missing_key_is_409_and_of_a_missing_queue_404()
    {
        await PutQueueAsync("q");

        AssertError(await SendAsync("PATCH", "/v2/queues/q", """[{"op": "replace", "path": "/metadata/nope", "value": 1}]""", headers: ("Content-Type", PatchType)), 409);
        AssertError(await SendAsync("PATCH", "/v2/queues/q", """[{"op": "remove", "path": "/metadata/nope"}]""", headers: ("Content-Type", PatchType)), 409);
        AssertError(await SendAsync("PATCH", "/v2/queues/missing", """[{"op": "add", "path": "/metadata/a", "value": 1}]""", headers: ("Content-Type", PatchType)), 404);
    }

    [Theory]
    [InlineData("""{"op": "add"}""")]
    [InlineData("""[{"op": "move", "path": "/metadata/a", "value": 1}]""")]
    [InlineData("""[{"path": "/metadata/a", "value": 1}]""")]
    [InlineData("""[{"op": "add", "path": "/other/a", "value": 1}]""")]
    [InlineData("""[{"op": "add", "path": "/metadata/a/b", "value": 1}]""")]
    [InlineData("""[{"op": "add", "path": "/metadata/a"}]""")]
    [InlineData("""[1]""")]
    [InlineData("""[{"op": """)]
    [InlineData("")]
    public async Task Patch_with_a_bad_document_is_400(string body)
    {
        await PutQueueAsync("q");

        AssertError(await SendAsync("PATCH", "/v2/queues/q", body, headers: ("Content-Type", PatchType)), 400);
    }

    [Fact]
    public async Task Stats_of_an_empty_queue_have_only_counts()
    {
        await PutQueueAsync("q");

        var response = await GetAsync("/v2/queues/q/stats");

        Assert.Equal(200, response.Status);
        AssertKeys(response.Json, "messages");
        var messages = response.Json.GetProperty("messages");
        AssertKeys(messages, "claimed", "free", "total");
        Assert.Equal(0, messages.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Stats_count_free_and_claimed_and_name_oldest_and_newest()
    {
        var ids = await PostNumberedAsync("q", 3);
        Advance(5);
        Assert.Equal(201, (await SendAsync("POST", "/v2/queues/q/claims?limit=1", """{"ttl": 60, "grace": 60}""")).Status);

        var messages = (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages");

        AssertKeys(messages, "claimed", "free", "newest", "oldest", "total");
        Assert.Equal(1, messages.GetProperty("claimed").GetInt64());
        Assert.Equal(2, messages.GetProperty("free").GetInt64());
        Assert.Equal(3, messages.GetProperty("total").GetInt64());
        var oldest = messages.GetProperty("oldest");
        AssertKeys(oldest, "age", "created", "href");
        Assert.Equal($"/v2/queues/q/messages/{ids[0]}", oldest.GetProperty("href").GetString());
        Assert.Equal(5, oldest.GetProperty("age").GetInt64());
        Assert.Equal("2030-01-15T12:00:00Z", oldest.GetProperty("created").GetString());
        Assert.Equal($"/v2/queues/q/messages/{ids[2]}", messages.GetProperty("newest").GetProperty("href").GetString());
    }

    [Fact]
    public async Task Purge_removes_messages_and_keeps_the_queue()
    {
        await PutQueueAsync("q", """{"k": 1}""");
        await PostNumberedAsync("q", 3);

        var response = await SendAsync("POST", "/v2/queues/q/purge", """{"resource_types": ["messages", "subscriptions"]}""");

        Assert.Equal(204, response.Status);
        Assert.Equal(0, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(1, (await GetAsync("/v2/queues/q")).Json.GetProperty("k").GetInt32());
    }

    [Fact]
    public async Task Purge_without_body_purges_and_of_only_subscriptions_keeps_messages()
    {
        await PostNumberedAsync("q", 2);

        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/purge", """{"resource_types": ["subscriptions"]}""")).Status);
        Assert.Equal(2, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/q/purge")).Status);
        Assert.Equal(0, (await GetAsync("/v2/queues/q/stats")).Json.GetProperty("messages").GetProperty("total").GetInt64());
        Assert.Equal(204, (await SendAsync("POST", "/v2/queues/missing/purge")).Status);
    }

    [Theory]
    [InlineData("""{"resource_types": ["queues"]}""")]
    [InlineData("""{"other": 1}""")]
    public async Task Purge_with_bad_resource_types_is_400(string body)
    {
        AssertError(await SendAsync("POST", "/v2/queues/q/purge", body), 400);
    }
}

public sealed class SmallLimitQueuesApiTests : ApiTestBase
{
    protected override ZaqarApiOptions? Options => new() { MaxQueueMetadataSize = 16 };

    [Fact]
    public async Task The_api_metadata_limit_comes_from_the_options()
    {
        AssertError(await PutQueueAsync("q", """{"k":"123456789"}"""), 413);
        Assert.Equal(201, (await PutQueueAsync("q", """{"k":"12345678"}""")).Status);
    }
}
