using System.Text;

namespace Marconi.Tests.Http.Api;

public sealed class CommonApiTests : ApiTestBase
{
    [Fact]
    public async Task Root_answers_300_with_the_versions_without_any_header()
    {
        var response = await SendRawAsync("GET", "/", []);

        Assert.Equal(300, response.Status);
        var versions = response.Json.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(new[] { "1", "1.1", "2" }, versions.Select(v => v.GetProperty("id").GetString()!).ToArray());
        foreach (var version in versions)
        {
            AssertKeys(version, "id", "links", "media-types", "status", "updated");
        }
    }

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/")]
    [InlineData("/v1.1/")]
    public async Task Home_document_lists_the_resources(string path)
    {
        var response = await GetAsync(path);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json-home", response.Header("Content-Type"));
        var resources = response.Json.GetProperty("resources");
        Assert.True(resources.TryGetProperty("rel/queues", out _));
        Assert.True(resources.TryGetProperty("rel/post_claim", out _));
        Assert.False(resources.TryGetProperty("rel/subscriptions", out _));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Ping_answers_204(string method)
    {
        var response = await SendAsync(method, "/v2/ping");

        Assert.Equal(204, response.Status);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Health_answers_storage_status()
    {
        var response = await GetAsync("/v2/health");

        Assert.Equal(200, response.Status);
        AssertKeys(response.Json, "operation_status", "storage", "storage_reachable");
        Assert.True(response.Json.GetProperty("storage_reachable").GetBoolean());
    }

    [Fact]
    public async Task Missing_client_id_is_400()
    {
        var response = await SendAsync("GET", "/v2/queues", headers: ("Client-ID", null));

        var error = AssertError(response, 400);
        Assert.Equal("Missing header value", error.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData("3381af92-2b9e-11e3-b191-71861300734")]
    public async Task Malformed_client_id_is_400(string clientId)
    {
        var response = await SendAsync("GET", "/v2/ping", clientId: clientId);

        var error = AssertError(response, 400);
        Assert.Equal("Wrong UUID value", error.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Missing_project_is_400()
    {
        var response = await SendAsync("GET", "/v2/queues", headers: ("X-Project-ID", null));

        var error = AssertError(response, 400);
        Assert.Equal("Project-Id Missing", error.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Empty_or_too_long_project_is_400()
    {
        AssertError(await SendAsync("GET", "/v2/queues", project: ""), 400);
        AssertError(await SendAsync("GET", "/v2/queues", project: new string('p', 257)), 400);
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues", project: new string('p', 256))).Status);
    }

    [Fact]
    public async Task Headers_are_also_required_on_v1_1()
    {
        AssertError(await SendAsync("GET", "/v1.1/queues", headers: ("Client-ID", null)), 400);
        AssertError(await SendAsync("GET", "/v1.1/queues", headers: ("X-Project-ID", null)), 400);
    }

    [Theory]
    [InlineData("text/html", 406)]
    [InlineData("application/xml, text/plain", 406)]
    [InlineData("application/json;q=0", 406)]
    [InlineData("application/json", 200)]
    [InlineData("*/*", 200)]
    [InlineData("application/*", 200)]
    [InlineData("text/html, application/json;q=0.5", 200)]
    public async Task Accept_must_allow_json(string accept, int status)
    {
        var response = await SendAsync("GET", "/v2/queues", headers: ("Accept", accept));

        if (status == 406)
        {
            AssertError(response, 406);
        }
        else
        {
            Assert.Equal(status, response.Status);
        }
    }

    [Theory]
    [InlineData("/v2/nothing")]
    [InlineData("/v3/queues")]
    [InlineData("/v2/queues/q/messages/id/extra")]
    [InlineData("/v1.1/queues/q/subscriptions")]
    [InlineData("/v1.1/queues/q/purge")]
    public async Task Unknown_path_is_404(string path)
    {
        AssertError(await GetAsync(path), 404);
    }

    [Theory]
    [InlineData("POST", "/v2/queues", "GET, OPTIONS")]
    [InlineData("POST", "/v2/queues/q", "GET, PUT, PATCH, DELETE, OPTIONS")]
    [InlineData("PATCH", "/v1.1/queues/q", "GET, PUT, DELETE, OPTIONS")]
    [InlineData("PUT", "/v2/queues/q/messages", "GET, POST, DELETE, OPTIONS")]
    [InlineData("GET", "/v2/queues/q/claims", "POST, OPTIONS")]
    [InlineData("POST", "/v2/ping", "GET, HEAD, OPTIONS")]
    public async Task Wrong_method_is_405_with_allow(string method, string path, string allow)
    {
        var response = await SendAsync(method, path, "{}");

        AssertError(response, 405);
        Assert.Equal(allow, response.Header("Allow"));
    }

    [Fact]
    public async Task Options_answers_allow()
    {
        var response = await SendAsync("OPTIONS", "/v2/queues/q/claims/abc");

        Assert.Equal(200, response.Status);
        Assert.Equal("GET, PATCH, DELETE, OPTIONS", response.Header("Allow"));
    }

    [Fact]
    public async Task Form_encoded_body_is_400()
    {
        var response = await SendAsync("PUT", "/v2/queues/q", "a=b", headers: ("Content-Type", "application/x-www-form-urlencoded"));

        var error = AssertError(response, 400);
        Assert.Equal("Invalid Content-Type", error.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("bad%20name")]
    [InlineData("name!")]
    public async Task Invalid_queue_name_is_400(string name)
    {
        AssertError(await SendAsync("PUT", "/v2/queues/" + Uri.UnescapeDataString(name)), 400);
    }

    [Fact]
    public async Task Queue_name_length_boundary()
    {
        Assert.Equal(201, (await SendAsync("PUT", "/v2/queues/" + new string('q', 64))).Status);
        AssertError(await SendAsync("PUT", "/v2/queues/" + new string('q', 65)), 400);
    }

    [Theory]
    [InlineData("/v2/queues?limit=abc", "limit")]
    [InlineData("/v2/queues?detailed=maybe", "detailed")]
    [InlineData("/v2/queues/q/messages?echo=yesplease", "echo")]
    [InlineData("/v2/queues/q/messages?limit=1.5", "limit")]
    public async Task Bad_query_parameters_are_400_naming_the_parameter(string path, string parameter)
    {
        var error = AssertError(await GetAsync(path), 400);

        Assert.Contains($"\"{parameter}\"", error.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_are_json_with_title_and_description()
    {
        var response = await SendRawAsync("GET", "/v2/queues", [new("X-Project-ID", Project)], Encoding.UTF8.GetBytes(""));

        AssertError(response, 400);
    }
}
