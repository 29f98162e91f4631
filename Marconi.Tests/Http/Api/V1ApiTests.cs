namespace Marconi.Tests.Http.Api;

public sealed class V1ApiTests : ApiTestBase
{
    private Task<ApiResponse> V1Async(string method, string path, string? body = null, string project = Project, string clientId = ClientId) =>
        SendAsync(method, "/v1" + path, body, project, clientId);

    private async Task<List<string>> PostV1Async(string queue, string messagesJson, string project = Project, string clientId = ClientId)
    {
        var response = await V1Async("POST", $"/queues/{queue}/messages", messagesJson, project, clientId);
        Assert.True(response.Status == 201, response.ToString());
        return response.Json.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!.Split('/')[^1]).ToList();
    }

    private async Task<string> ClaimV1Async(string queue, string query = "")
    {
        var response = await V1Async("POST", $"/queues/{queue}/claims{query}", """{"ttl": 120, "grace": 60}""");
        Assert.True(response.Status == 201, response.ToString());
        return response.Header("Location")!.Split('/')[^1];
    }

    // ---- queues

    [Fact]
    public async Task Put_creates_then_answers_204_with_location_and_ignores_a_body()
    {
        var created = await V1Async("PUT", "/queues/q", """{"k": 1}""");
        var again = await V1Async("PUT", "/queues/q");
        var metadata = await V1Async("GET", "/queues/q/metadata");

        Assert.Equal(201, created.Status);
        Assert.Equal("/v1/queues/q", created.Header("Location"));
        Assert.Empty(created.Body);
        Assert.Equal(204, again.Status);
        Assert.Equal("/v1/queues/q", again.Header("Location"));
        Assert.Empty(Keys(metadata.Json));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Get_and_head_of_a_queue_are_existence_checks(string method)
    {
        await V1Async("PUT", "/queues/q");

        var present = await V1Async(method, "/queues/q");
        var missing = await V1Async(method, "/queues/nope");
        var otherProject = await V1Async(method, "/queues/q", project: OtherProject);

        Assert.Equal(204, present.Status);
        Assert.Empty(present.Body);
        Assert.Equal("/v1/queues/q", present.Header("Content-Location"));
        AssertError(missing, 404);
        Assert.Equal("/v1/queues/nope", missing.Header("Content-Location"));
        AssertError(otherProject, 404);
    }

    [Fact]
    public async Task Delete_answers_204_also_for_a_missing_queue()
    {
        await V1Async("PUT", "/queues/q");

        Assert.Equal(204, (await V1Async("DELETE", "/queues/q")).Status);
        Assert.Equal(204, (await V1Async("DELETE", "/queues/q")).Status);
        AssertError(await V1Async("GET", "/queues/q"), 404);
    }

    [Fact]
    public async Task Patch_purge_share_subscriptions_and_ping_are_not_served()
    {
        await V1Async("PUT", "/queues/q");

        var patch = await SendAsync("PATCH", "/v1/queues/q", "[]", headers: ("Content-Type", "application/openstack-messaging-v2.0-json-patch"));

        AssertError(patch, 405);
        Assert.Equal("GET, HEAD, PUT, DELETE, OPTIONS", patch.Header("Allow"));
        AssertError(await V1Async("POST", "/queues/q/purge"), 404);
        AssertError(await V1Async("POST", "/queues/q/share"), 404);
        AssertError(await V1Async("GET", "/queues/q/subscriptions"), 404);
        AssertError(await V1Async("GET", "/ping"), 404);
        AssertError(await V1Async("POST", "/queues/q/metadata"), 405);
    }

    [Fact]
    public async Task Queue_listing_answers_204_when_empty_and_pages_with_v1_hrefs()
    {
        var empty = await V1Async("GET", "/queues");
        await V1Async("PUT", "/queues/a");
        await V1Async("PUT", "/queues/b");
        await V1Async("PUT", "/queues/a/metadata", """{"k": 1}""");
        await V1Async("PUT", "/queues/c", project: OtherProject);

        var page = await V1Async("GET", "/queues?limit=1&detailed=true");
        var next = await V1Async("GET", "/queues?marker=b");
        var badLimit = await V1Async("GET", "/queues?limit=21");

        Assert.Equal(204, empty.Status);
        Assert.Empty(empty.Body);
        Assert.Equal(200, page.Status);
        Assert.Equal("/v1/queues?limit=1&detailed=true", page.Header("Content-Location"));
        AssertKeys(page.Json, "links", "queues");
        var queue = Assert.Single(page.Json.GetProperty("queues").EnumerateArray());
        AssertKeys(queue, "href", "metadata", "name");
        Assert.Equal("/v1/queues/a", queue.GetProperty("href").GetString());
        AssertKeys(queue.GetProperty("metadata"), "k");
        Assert.Equal("/v1/queues?marker=a&limit=1&detailed=true", page.Json.GetProperty("links")[0].GetProperty("href").GetString());
        Assert.Equal(204, next.Status);
        AssertError(badLimit, 400);
    }

    [Fact]
    public async Task Queue_listing_ignores_v2_filters()
    {
        await V1Async("PUT", "/queues/a");
        await V1Async("PUT", "/queues/b");

        var listed = (await V1Async("GET", "/queues?name=b&with_count=true")).Json;

        Assert.Equal(2, listed.GetProperty("queues").GetArrayLength());
        AssertKeys(listed, "links", "queues");
    }

    // ---- metadata

    [Fact]
    public async Task Metadata_put_replaces_and_get_answers_it_with_content_location()
    {
        await V1Async("PUT", "/queues/q");

        var first = await V1Async("PUT", "/queues/q/metadata", """{"a": 1, "b": {"c": [1, 2]}}""");
        var second = await V1Async("PUT", "/queues/q/metadata", """{"messages": {"ttl": 100}}""");
        var got = await V1Async("GET", "/queues/q/metadata");

        Assert.Equal(204, first.Status);
        Assert.Equal("/v1/queues/q/metadata", first.Header("Location"));
        Assert.Equal(204, second.Status);
        Assert.Equal(200, got.Status);
        Assert.Equal("/v1/queues/q/metadata", got.Header("Content-Location"));
        AssertKeys(got.Json, "messages");
        Assert.Equal(100, got.Json.GetProperty("messages").GetProperty("ttl").GetInt32());
    }

    [Fact]
    public async Task Metadata_of_a_missing_queue_is_404_also_from_another_project()
    {
        await V1Async("PUT", "/queues/q");

        AssertError(await V1Async("GET", "/queues/nope/metadata"), 404);
        AssertError(await V1Async("PUT", "/queues/nope/metadata", """{"a": 1}"""), 404);
        AssertError(await V1Async("GET", "/queues/q/metadata", project: OtherProject), 404);
        AssertError(await V1Async("PUT", "/queues/q/metadata", """{"a": 1}""", project: OtherProject), 404);
    }

    [Theory]
    [InlineData(null, "Invalid request body")]
    [InlineData("{", "Invalid request body")]
    [InlineData("[]", "Invalid request body")]
    [InlineData("1", "Invalid request body")]
    [InlineData("""{"_default_message_ttl": 60}""", "Invalid API request")]
    [InlineData("""{"ok": 1, "_x": 1}""", "Invalid API request")]
    public async Task Bad_metadata_is_400(string? body, string title)
    {
        await V1Async("PUT", "/queues/q");

        var error = AssertError(await V1Async("PUT", "/queues/q/metadata", body), 400);

        Assert.Equal(title, error.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Metadata_larger_than_the_limit_is_400_not_413()
    {
        await V1Async("PUT", "/queues/q");
        var max = Engine.Limits.MaxQueueMetadataSize;
        var fits = "{\"p\": \"" + new string('x', max - 10) + "\"}";
        var tooLarge = "{\"p\": \"" + new string('x', max) + "\"}";

        Assert.Equal(204, (await V1Async("PUT", "/queues/q/metadata", fits)).Status);
        var error = AssertError(await V1Async("PUT", "/queues/q/metadata", tooLarge), 400);
        Assert.Contains("too large", error.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    // ---- stats

    [Fact]
    public async Task Stats_count_with_v1_hrefs_and_404_for_a_missing_queue()
    {
        await V1Async("PUT", "/queues/q");
        var empty = await V1Async("GET", "/queues/q/stats");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}, {"ttl": 300, "body": 2}]""");
        await ClaimV1Async("q", "?limit=1");

        var stats = await V1Async("GET", "/queues/q/stats");

        Assert.Equal(200, empty.Status);
        AssertKeys(empty.Json.GetProperty("messages"), "claimed", "free", "total");
        Assert.Equal("/v1/queues/q/stats", stats.Header("Content-Location"));
        var messages = stats.Json.GetProperty("messages");
        AssertKeys(messages, "claimed", "free", "newest", "oldest", "total");
        Assert.Equal((1, 1, 2), (messages.GetProperty("claimed").GetInt32(), messages.GetProperty("free").GetInt32(), messages.GetProperty("total").GetInt32()));
        AssertKeys(messages.GetProperty("oldest"), "age", "created", "href");
        Assert.Equal($"/v1/queues/q/messages/{ids[0]}", messages.GetProperty("oldest").GetProperty("href").GetString());
        Assert.Equal($"/v1/queues/q/messages/{ids[1]}", messages.GetProperty("newest").GetProperty("href").GetString());
        AssertError(await V1Async("GET", "/queues/nope/stats"), 404);
        AssertError(await V1Async("GET", "/queues/q/stats", project: OtherProject), 404);
    }

    // ---- messages

    [Fact]
    public async Task Post_takes_a_bare_array_and_answers_partial_false()
    {
        await V1Async("PUT", "/queues/q");

        var response = await V1Async("POST", "/queues/q/messages", """[{"ttl": 300, "body": {"a": 1}}, {"ttl": 60, "body": "x", "delay": 30}]""");

        Assert.Equal(201, response.Status);
        AssertKeys(response.Json, "partial", "resources");
        Assert.False(response.Json.GetProperty("partial").GetBoolean());
        var hrefs = response.Json.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Equal(2, hrefs.Count);
        Assert.All(hrefs, h => Assert.StartsWith("/v1/queues/q/messages/", h, StringComparison.Ordinal));
        var ids = hrefs.Select(h => h.Split('/')[^1]);
        Assert.Equal("/v1/queues/q/messages?ids=" + Ids(ids), response.Header("Location"));
        Assert.Equal(2, (await V1Async("GET", "/queues/q/messages?echo=true")).Json.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Post_to_a_missing_queue_is_404_and_does_not_create_it()
    {
        var response = await V1Async("POST", "/queues/q/messages", """[{"ttl": 300, "body": 1}]""");

        AssertError(response, 404);
        AssertError(await V1Async("GET", "/queues/q"), 404);
    }

    [Theory]
    [InlineData(null, "Invalid request body")]
    [InlineData("[", "Invalid request body")]
    [InlineData("[]", "Invalid API request")]
    [InlineData("{}", "Invalid request body")]
    [InlineData("""{"messages": [{"ttl": 300, "body": 1}]}""", "Invalid request body")]
    [InlineData("""[{"body": 1}]""", "Invalid request body")]
    [InlineData("""[{"ttl": 300}]""", "Invalid request body")]
    [InlineData("""[{"ttl": "300", "body": 1}]""", "Invalid request body")]
    [InlineData("""[{"ttl": 59, "body": 1}]""", "Invalid API request")]
    [InlineData("""[{"ttl": 1209601, "body": 1}]""", "Invalid API request")]
    [InlineData("""[1]""", "Invalid request body")]
    public async Task Bad_posts_are_400(string? body, string title)
    {
        await V1Async("PUT", "/queues/q");

        var error = AssertError(await V1Async("POST", "/queues/q/messages", body), 400);

        Assert.Equal(title, error.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_bad_ttl_is_400_even_on_a_missing_queue()
    {
        AssertError(await V1Async("POST", "/queues/nope/messages", """[{"ttl": 1, "body": 1}]"""), 400);
    }

    [Fact]
    public async Task Posts_larger_than_the_limit_are_400_not_413()
    {
        await V1Async("PUT", "/queues/q");
        var max = Engine.Limits.MaxMessagesPostSize;
        var body = "[{\"ttl\": 300, \"body\": \"" + new string('x', max) + "\"}]";

        var error = AssertError(await V1Async("POST", "/queues/q/messages", body), 400);

        Assert.Equal("Invalid API request", error.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Client_id_is_required_to_post_and_list_but_not_elsewhere()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}]""");
        (string, string?) noClient = ("Client-ID", null);

        var post = await SendAsync("POST", "/v1/queues/q/messages", """[{"ttl": 300, "body": 1}]""", headers: noClient);
        var list = await SendAsync("GET", "/v1/queues/q/messages", headers: noClient);
        var byIds = await SendAsync("GET", $"/v1/queues/q/messages?ids={ids[0]}", headers: noClient);
        var one = await SendAsync("GET", $"/v1/queues/q/messages/{ids[0]}", headers: noClient);
        var queue = await SendAsync("HEAD", "/v1/queues/q", headers: noClient);
        var claim = await SendAsync("POST", "/v1/queues/q/claims", """{"ttl": 60, "grace": 60}""", headers: noClient);

        Assert.Equal("Missing header value", AssertError(post, 400).GetProperty("title").GetString());
        Assert.Equal("Missing header value", AssertError(list, 400).GetProperty("title").GetString());
        Assert.Equal(200, byIds.Status);
        Assert.Equal(200, one.Status);
        Assert.Equal(204, queue.Status);
        Assert.Equal(201, claim.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0xdeadbeef")]
    [InlineData("550893e0-2b6e-11e3-835a-5cf9dd72369")]
    public async Task A_malformed_client_id_is_400_on_every_route(string clientId)
    {
        await V1Async("PUT", "/queues/q");

        var error = AssertError(await V1Async("HEAD", "/queues/q", clientId: clientId), 400);

        Assert.Equal("Wrong UUID value", error.GetProperty("title").GetString());
        AssertError(await V1Async("GET", "/queues/q/messages?echo=true", clientId: clientId), 400);
    }

    [Fact]
    public async Task Requests_without_a_project_share_their_own_namespace()
    {
        (string, string?) noProject = ("X-Project-ID", null);

        var created = await SendAsync("PUT", "/v1/queues/anon", headers: noProject);
        var listedAnon = await SendAsync("GET", "/v1/queues", headers: noProject);
        var listedProject = await V1Async("GET", "/queues");
        var v2 = await SendAsync("GET", "/v2/queues", headers: noProject);
        var empty = await SendAsync("GET", "/v1/queues", headers: ("X-Project-ID", ""));
        var reserved = await V1Async("GET", "/queues", project: "~marconi-v1-no-project~");
        var tooLong = await V1Async("GET", "/queues", project: new string('p', 257));

        Assert.Equal(201, created.Status);
        Assert.Equal("anon", Assert.Single(listedAnon.Json.GetProperty("queues").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(204, listedProject.Status);
        Assert.Equal("Project-Id Missing", AssertError(v2, 400).GetProperty("title").GetString());
        Assert.Equal("Empty project header not allowed", AssertError(empty, 400).GetProperty("title").GetString());
        AssertError(reserved, 400);
        AssertError(tooLong, 400);
    }

    [Fact]
    public async Task Listing_answers_v1_shapes_and_204_when_empty()
    {
        await V1Async("PUT", "/queues/q");
        var empty = await V1Async("GET", "/queues/q/messages");
        var missingQueue = await V1Async("GET", "/queues/nope/messages");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": {"n": 0}}, {"ttl": 300, "body": {"n": 1}}, {"ttl": 300, "body": {"n": 2}}]""");

        var own = await V1Async("GET", "/queues/q/messages");
        var page = await V1Async("GET", "/queues/q/messages?limit=2&echo=true");
        var next = page.Json.GetProperty("links")[0].GetProperty("href").GetString()!;
        var rest = await V1Async("GET", next["/v1".Length..]);

        Assert.Equal(204, empty.Status);
        Assert.Empty(empty.Body);
        Assert.Equal(204, missingQueue.Status);
        Assert.Equal(204, own.Status);
        Assert.Equal(200, page.Status);
        Assert.Equal("/v1/queues/q/messages?limit=2&echo=true", page.Header("Content-Location"));
        AssertKeys(page.Json, "links", "messages");
        var first = page.Json.GetProperty("messages")[0];
        AssertKeys(first, "age", "body", "href", "ttl");
        Assert.Equal($"/v1/queues/q/messages/{ids[0]}", first.GetProperty("href").GetString());
        Assert.Equal(300, first.GetProperty("ttl").GetInt32());
        Assert.StartsWith("/v1/queues/q/messages?marker=", next, StringComparison.Ordinal);
        Assert.Equal($"/v1/queues/q/messages/{ids[2]}", Assert.Single(rest.Json.GetProperty("messages").EnumerateArray()).GetProperty("href").GetString());
        Assert.Equal(204, (await V1Async("GET", "/queues/q/messages?echo=true", project: OtherProject)).Status);
    }

    [Fact]
    public async Task Listing_limits_markers_and_claimed_messages()
    {
        await V1Async("PUT", "/queues/q");
        await PostV1Async("q", """[{"ttl": 300, "body": 1}, {"ttl": 300, "body": 2}]""");
        var claimId = await ClaimV1Async("q", "?limit=1");

        var free = await V1Async("GET", "/queues/q/messages?echo=true");
        var all = await V1Async("GET", "/queues/q/messages?echo=true&include_claimed=true");

        Assert.Single(free.Json.GetProperty("messages").EnumerateArray());
        Assert.Equal(2, all.Json.GetProperty("messages").GetArrayLength());
        Assert.All(all.Json.GetProperty("messages").EnumerateArray(), m => Assert.DoesNotContain("claim_id", m.GetProperty("href").GetString(), StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(claimId));
        AssertError(await V1Async("GET", "/queues/q/messages?limit=21"), 400);
        AssertError(await V1Async("GET", "/queues/q/messages?limit=0"), 400);
        AssertError(await V1Async("GET", "/queues/q/messages?echo=maybe"), 400);
        Assert.Equal(204, (await V1Async("GET", "/queues/q/messages?echo=true&marker=sfhlsfdjh2048")).Status);
    }

    [Fact]
    public async Task Get_by_ids_answers_a_bare_array_or_204()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}, {"ttl": 300, "body": 2}]""");

        var found = await V1Async("GET", $"/queues/q/messages?ids={Ids(ids)}");
        var none = await V1Async("GET", "/queues/notthere/messages?ids=a,b,c");
        var otherProject = await V1Async("GET", $"/queues/q/messages?ids={Ids(ids)}", project: OtherProject);
        var tooMany = await V1Async("GET", $"/queues/q/messages?ids={Ids(Enumerable.Repeat(ids[0], 21))}");

        Assert.Equal(200, found.Status);
        Assert.Equal($"/v1/queues/q/messages?ids={Ids(ids)}", found.Header("Content-Location"));
        Assert.Equal(2, found.Json.GetArrayLength());
        AssertKeys(found.Json[0], "age", "body", "href", "ttl");
        Assert.Equal(204, none.Status);
        Assert.Equal(204, otherProject.Status);
        AssertError(tooMany, 400);
    }

    [Fact]
    public async Task Get_one_answers_the_v1_shape_without_claim_in_the_href()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": {"a": [1]}}]""");
        await ClaimV1Async("q");

        var response = await V1Async("GET", $"/queues/q/messages/{ids[0]}");

        Assert.Equal(200, response.Status);
        Assert.Equal($"/v1/queues/q/messages/{ids[0]}", response.Header("Content-Location"));
        AssertKeys(response.Json, "age", "body", "href", "ttl");
        Assert.Equal($"/v1/queues/q/messages/{ids[0]}", response.Json.GetProperty("href").GetString());
        AssertError(await V1Async("GET", $"/queues/q/messages/{ids[0]}", project: OtherProject), 404);
        AssertError(await V1Async("GET", "/queues/notthere/messages/a"), 404);
    }

    [Fact]
    public async Task Delete_by_ids_needs_ids_and_has_no_pop()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}, {"ttl": 300, "body": 2}]""");

        var withoutIds = await V1Async("DELETE", "/queues/q/messages");
        var pop = await V1Async("DELETE", "/queues/q/messages?pop=1");
        var tooMany = await V1Async("DELETE", $"/queues/q/messages?ids={Ids(Enumerable.Repeat(ids[0], 21))}");
        var otherProject = await V1Async("DELETE", $"/queues/q/messages?ids={Ids(ids)}", project: OtherProject);
        var deleted = await V1Async("DELETE", $"/queues/q/messages?ids={Ids(ids)}");

        Assert.Equal("Missing parameter", AssertError(withoutIds, 400).GetProperty("title").GetString());
        AssertError(pop, 400);
        AssertError(tooMany, 400);
        Assert.Equal(204, otherProject.Status);
        Assert.Equal(204, deleted.Status);
        Assert.Equal(204, (await V1Async("GET", $"/queues/q/messages?ids={Ids(ids)}")).Status);
        Assert.Equal(204, (await V1Async("DELETE", "/queues/notthere/messages?ids=a,b,c")).Status);
    }

    [Fact]
    public async Task Delete_one_checks_the_claim()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}]""");
        var unclaimedWithClaim = await V1Async("DELETE", $"/queues/q/messages/{ids[0]}?claim_id=invalid");
        var claimId = await ClaimV1Async("q");

        var withoutClaim = await V1Async("DELETE", $"/queues/q/messages/{ids[0]}");
        var withClaim = await V1Async("DELETE", $"/queues/q/messages/{ids[0]}?claim_id={claimId}");

        AssertError(unclaimedWithClaim, 400);
        AssertError(withoutClaim, 403);
        Assert.Equal(204, withClaim.Status);
        AssertError(await V1Async("GET", $"/queues/q/messages/{ids[0]}"), 404);
        Assert.Equal(204, (await V1Async("DELETE", $"/queues/q/messages/{ids[0]}")).Status);
    }

    // ---- claims

    [Fact]
    public async Task Claim_answers_a_bare_array_with_claim_hrefs_and_204_when_nothing_is_free()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}, {"ttl": 300, "body": 2}]""");

        var claim = await V1Async("POST", "/queues/q/claims?limit=5", """{"ttl": 120, "grace": 60}""");
        var nothing = await V1Async("POST", "/queues/q/claims", """{"ttl": 120, "grace": 60}""");
        var missingQueue = await V1Async("POST", "/queues/nope/claims", """{"ttl": 120, "grace": 60}""");

        Assert.Equal(201, claim.Status);
        var claimId = claim.Header("Location")!.Split('/')[^1];
        Assert.Equal($"/v1/queues/q/claims/{claimId}", claim.Header("Location"));
        Assert.Equal(2, claim.Json.GetArrayLength());
        var first = claim.Json[0];
        AssertKeys(first, "age", "body", "href", "ttl");
        Assert.Equal($"/v1/queues/q/messages/{ids[0]}?claim_id={claimId}", first.GetProperty("href").GetString());
        Assert.Equal(204, nothing.Status);
        Assert.Empty(nothing.Body);
        Assert.Equal(204, missingQueue.Status);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("", "{")]
    [InlineData("", "[]")]
    [InlineData("", """{"grace": 60}""")]
    [InlineData("", """{"ttl": 60}""")]
    [InlineData("", """{"ttl": "60", "grace": 60}""")]
    [InlineData("", """{"ttl": 59, "grace": 60}""")]
    [InlineData("", """{"ttl": 60, "grace": 43201}""")]
    [InlineData("?limit=21", """{"ttl": 60, "grace": 60}""")]
    [InlineData("?limit=0", """{"ttl": 60, "grace": 60}""")]
    [InlineData("?limit=x", """{"ttl": 60, "grace": 60}""")]
    public async Task Bad_claims_are_400(string query, string? body)
    {
        await V1Async("PUT", "/queues/q");
        await PostV1Async("q", """[{"ttl": 300, "body": 1}]""");

        AssertError(await V1Async("POST", "/queues/q/claims" + query, body), 400);
    }

    [Fact]
    public async Task Claim_get_answers_age_ttl_messages_href()
    {
        await V1Async("PUT", "/queues/q");
        var ids = await PostV1Async("q", """[{"ttl": 300, "body": 1}]""");
        var claimId = await ClaimV1Async("q");
        Advance(5);

        var response = await V1Async("GET", $"/queues/q/claims/{claimId}");

        Assert.Equal(200, response.Status);
        Assert.Equal($"/v1/queues/q/claims/{claimId}", response.Header("Content-Location"));
        AssertKeys(response.Json, "age", "href", "messages", "ttl");
        Assert.Equal(120, response.Json.GetProperty("ttl").GetInt32());
        Assert.Equal(5, response.Json.GetProperty("age").GetInt32());
        Assert.Equal($"/v1/queues/q/claims/{claimId}", response.Json.GetProperty("href").GetString());
        var message = Assert.Single(response.Json.GetProperty("messages").EnumerateArray());
        AssertKeys(message, "age", "body", "href", "ttl");
        Assert.Equal($"/v1/queues/q/messages/{ids[0]}?claim_id={claimId}", message.GetProperty("href").GetString());
        AssertError(await V1Async("GET", $"/queues/q/claims/{claimId}", project: OtherProject), 404);
    }

    [Fact]
    public async Task Claim_patch_renews_with_a_required_ttl_and_an_optional_grace()
    {
        await V1Async("PUT", "/queues/q");
        await PostV1Async("q", """[{"ttl": 300, "body": 1}]""");
        var claimId = await ClaimV1Async("q");

        var renewed = await V1Async("PATCH", $"/queues/q/claims/{claimId}", """{"ttl": 200}""");
        var anyGrace = await V1Async("PATCH", $"/queues/q/claims/{claimId}", """{"ttl": 250, "grace": 5}""");
        var noTtl = await V1Async("PATCH", $"/queues/q/claims/{claimId}", """{"grace": 60}""");
        var badTtl = await V1Async("PATCH", $"/queues/q/claims/{claimId}", """{"ttl": 43201}""");
        var empty = await V1Async("PATCH", $"/queues/q/claims/{claimId}");
        var otherProject = await V1Async("PATCH", $"/queues/q/claims/{claimId}", """{"ttl": 200}""", project: OtherProject);

        Assert.Equal(204, renewed.Status);
        Assert.Equal(204, anyGrace.Status);
        Assert.Equal(250, (await V1Async("GET", $"/queues/q/claims/{claimId}")).Json.GetProperty("ttl").GetInt32());
        AssertError(noTtl, 400);
        AssertError(badTtl, 400);
        AssertError(empty, 400);
        AssertError(otherProject, 404);
    }

    [Fact]
    public async Task Claim_delete_releases_and_answers_204_when_missing()
    {
        await V1Async("PUT", "/queues/q");
        await PostV1Async("q", """[{"ttl": 300, "body": 1}]""");
        var claimId = await ClaimV1Async("q");

        Assert.Equal(204, (await V1Async("DELETE", $"/queues/q/claims/{claimId}")).Status);
        Assert.Equal(204, (await V1Async("DELETE", $"/queues/q/claims/{claimId}")).Status);
        AssertError(await V1Async("GET", $"/queues/q/claims/{claimId}"), 404);
        Assert.Single((await V1Async("GET", "/queues/q/messages?echo=true")).Json.GetProperty("messages").EnumerateArray());
    }

    // ---- system

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Health_answers_204(string method)
    {
        var response = await V1Async(method, "/health");

        Assert.Equal(204, response.Status);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Home_is_zaqars_v1_document()
    {
        var response = await V1Async("GET", "/");

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json-home", response.Header("Content-Type"));
        Assert.Equal("max-age=86400", response.Header("Cache-Control"));
        var resources = response.Json.GetProperty("resources");
        AssertKeys(resources, "rel/claim", "rel/messages", "rel/post-messages", "rel/queue", "rel/queue-metadata", "rel/queue-stats", "rel/queues");
        Assert.Equal("/v1/queues/{queue_name}/metadata", resources.GetProperty("rel/queue-metadata").GetProperty("href-template").GetString());
    }

    [Fact]
    public async Task Versions_list_v1_first()
    {
        var response = await SendRawAsync("GET", "/", []);

        var versions = response.Json.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["1", "1.1", "2"], versions.Select(v => v.GetProperty("id").GetString()!).ToArray());
        Assert.Equal("/v1/", versions[0].GetProperty("links")[0].GetProperty("href").GetString());
    }
}
