using Marconi.Http.Api;

namespace Marconi.Tests.Http.Api;

/// <summary>
/// Pre-signed URLs: <c>POST /v2/queues/{q}/share</c> and requests authorized by URL-Signature, URL-Expires,
/// URL-Methods and URL-Paths. The fake clock starts at 2030-01-15T12:00:00Z.
/// </summary>
public sealed class SignedUrlApiTests : ApiTestBase
{
    internal const string Key = "test-secret-key";

    // Produced with Zaqar's own code (python3-zaqar, /usr/lib/python3/dist-packages/zaqar/common/urls.py):
    //   /usr/bin/python3 -c 'from zaqar.common import urls; print(urls.create_signed_url("test-secret-key",
    //       ["/v2/queues/shared/messages", "/v2/queues/shared/claims"], project="project-a",
    //       expires="2030-01-16T12:00:00", methods=["POST","GET"]))'
    // -> {'paths': ['/v2/queues/shared/claims', '/v2/queues/shared/messages'], 'methods': ['GET', 'POST'],
    //     'project': 'project-a', 'expires': '2030-01-16T12:00:00', 'signature': 'f32eec95...3ccc'}
    // The same call with expires="2030-01-16T13:30:00+01:30" gives the same expires and signature (normalized to UTC).
    internal const string Vector = "f32eec9505c9045e3e4d7a6405e1da78a0c03e6346ef527e736ac313139c3ccc";

    // urls.create_signed_url("test-secret-key", ["/v2/queues/shared/messages"], project="project-a",
    //     expires="2030-01-16T12:00:00.75Z")  (methods default to ['GET'], the fraction is dropped)
    private const string DefaultsVector = "f8a1d1a8d8181b48fabf6a73ce98ebc44df396263e65b8e352e3939e4b93bea6";

    private const string Paths = "/v2/queues/shared/claims,/v2/queues/shared/messages";
    private const string Expires = "2030-01-16T12:00:00";

    protected override ZaqarApiOptions? Options => new() { SignedUrlSecretKey = Key };

    [Fact]
    public void Signature_matches_zaqars_vector()
    {
        var expires = DateTimeOffset.Parse("2030-01-16T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var signed = SignedUrls.Create(Key, ["/v2/queues/shared/messages", "/v2/queues/shared/claims"], ["POST", "GET"], Project, expires);

        Assert.Equal(Vector, signed.Signature);
        Assert.Equal(Expires, signed.Expires);
        Assert.Equal(["/v2/queues/shared/claims", "/v2/queues/shared/messages"], signed.Paths);
        Assert.Equal(["GET", "POST"], signed.Methods);
    }

    [Theory]
    [InlineData("2030-01-16T12:00:00")]
    [InlineData("2030-01-16T12:00:00Z")]
    [InlineData("2030-01-16T13:30:00+01:30")]
    [InlineData("2030-01-16T12:00:00.999")]
    public async Task Share_answers_zaqars_document_and_signature(string expires)
    {
        var response = await SendAsync("POST", "/v2/queues/shared/share", $$"""{"paths": ["messages", "claims"], "methods": ["POST", "GET"], "expires": "{{expires}}"}""");

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(
            """{"paths":["/v2/queues/shared/claims","/v2/queues/shared/messages"],"methods":["GET","POST"],"project":"project-a","expires":"2030-01-16T12:00:00","signature":"f32eec9505c9045e3e4d7a6405e1da78a0c03e6346ef527e736ac313139c3ccc"}""",
            response.Text);
    }

    [Fact]
    public async Task Share_defaults_to_get_on_messages_for_one_day()
    {
        var response = await SendAsync("POST", "/v2/queues/shared/share", "{}");

        Assert.True(response.Status == 200, response.ToString());
        var json = response.Json;
        Assert.Equal(["/v2/queues/shared/messages"], json.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["GET"], json.GetProperty("methods").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(Expires, json.GetProperty("expires").GetString());
        Assert.Equal(DefaultsVector, json.GetProperty("signature").GetString());
    }

    [Theory]
    [InlineData("""{"paths": ["messages"], "foo": 1}""", "Unknown keys: {'foo'}")]
    [InlineData("""{"paths": ["messages", "queues"]}""", "Invalid paths: {'queues'}")]
    [InlineData("""{"paths": "messages"}""", "Invalid paths: {'\"messages\"'}")]
    [InlineData("""{"methods": "GET"}""", "`methods` should be a list")]
    [InlineData("""{"expires": "2030-01-15T11:59:59"}""", "`expires` is lower than the current time")]
    [InlineData("""{"expires": "1893456000"}""", "`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 1893456000")]
    [InlineData("""{"expires": 1893456000}""", "`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 1893456000")]
    [InlineData("""{"expires": "tomorrow"}""", "Unable to parse date string 'tomorrow'")]
    public async Task Share_rejects_bad_documents_with_400(string body, string description)
    {
        var response = await SendAsync("POST", "/v2/queues/shared/share", body);

        var json = AssertError(response, 400);
        Assert.Equal(description, json.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Share_rejects_an_empty_or_non_object_body()
    {
        AssertError(await SendAsync("POST", "/v2/queues/shared/share"), 400);
        AssertError(await SendAsync("POST", "/v2/queues/shared/share", "[]"), 400);
        AssertError(await SendAsync("POST", "/v2/queues/shared/share", "{"), 400);
    }

    [Fact]
    public async Task Share_is_v2_only_and_post_only()
    {
        AssertError(await SendAsync("POST", "/v1.1/queues/shared/share", "{}"), 404);
        AssertError(await SendAsync("GET", "/v2/queues/shared/share"), 405);
    }

    [Fact]
    public async Task Signed_request_is_served()
    {
        var posted = await SignedAsync("POST", "/v2/queues/shared/messages", """{"messages": [{"body": 1, "ttl": 300}]}""");
        Assert.True(posted.Status == 201, posted.ToString());
        var id = posted.Json.GetProperty("resources")[0].GetString()!.Split('/')[^1];

        var listed = await SignedAsync("GET", "/v2/queues/shared/messages?echo=true");
        Assert.True(listed.Status == 200, listed.ToString());
        Assert.Single(listed.Json.GetProperty("messages").EnumerateArray());

        // Zaqar matches the signed paths as a search in the request path, so a single message is reachable too.
        var one = await SignedAsync("GET", $"/v2/queues/shared/messages/{id}");
        Assert.True(one.Status == 200, one.ToString());

        var claimed = await SignedAsync("POST", "/v2/queues/shared/claims", """{"ttl": 60, "grace": 60}""");
        Assert.True(claimed.Status == 201, claimed.ToString());
    }

    [Fact]
    public async Task Signed_request_with_a_share_response_round_trips()
    {
        var share = (await SendAsync("POST", "/v2/queues/other/share", """{"methods": ["GET", "HEAD"]}""")).Json;
        var headers = new (string, string?)[]
        {
            ("URL-Signature", share.GetProperty("signature").GetString()),
            ("URL-Expires", share.GetProperty("expires").GetString()),
            ("URL-Methods", string.Join(",", share.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))),
            ("URL-Paths", string.Join(",", share.GetProperty("paths").EnumerateArray().Select(m => m.GetString()))),
        };

        var response = await SendAsync("GET", "/v2/queues/other/messages", null, Project, ClientId, headers);

        Assert.True(response.Status == 200, response.ToString());
    }

    [Fact]
    public async Task Expired_signature_is_404()
    {
        Advance(86399);
        Assert.Equal(200, (await SignedAsync("GET", "/v2/queues/shared/messages")).Status);

        Advance(1);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages"), 404);
    }

    [Fact]
    public async Task Tampered_headers_are_404()
    {
        // A path, method, project, expiry or signature other than the signed ones.
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", paths: "/v2/queues/shared/messages"), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", paths: Paths + ",/v2/queues/other/messages"), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", methods: "GET,POST,DELETE"), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", methods: "GET"), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", project: OtherProject), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", expires: "2030-01-16T12:00:01"), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", signature: "0" + Vector[1..]), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", signature: Vector.ToUpperInvariant()), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", signature: Vector[..^1]), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/messages", signature: string.Empty), 404);
    }

    [Fact]
    public async Task Unsigned_path_or_method_is_404()
    {
        AssertError(await SignedAsync("GET", "/v2/queues/other/messages"), 404);
        AssertError(await SignedAsync("DELETE", "/v2/queues/shared/messages?pop=1"), 404);
        AssertError(await SignedAsync("GET", "/v2/queues/shared/stats"), 404);
        AssertError(await SignedAsync("PUT", "/v2/queues/shared"), 404);
    }

    [Fact]
    public async Task Missing_signed_headers_are_404()
    {
        var headers = new (string, string?)[] { ("URL-Signature", Vector) };
        AssertError(await SendAsync("GET", "/v2/queues/shared/messages", null, Project, ClientId, headers), 404);
    }

    /// <summary>Sends a request signed with the test vector, with any one header replaced.</summary>
    private Task<ApiResponse> SignedAsync(
        string method,
        string pathAndQuery,
        string? body = null,
        string project = Project,
        string paths = Paths,
        string methods = "GET,POST",
        string expires = Expires,
        string signature = Vector) =>
        SendAsync(
            method,
            pathAndQuery,
            body,
            project,
            ClientId,
            ("URL-Signature", signature),
            ("URL-Expires", expires),
            ("URL-Methods", methods),
            ("URL-Paths", paths));
}

/// <summary>Without <see cref="ZaqarApiOptions.SignedUrlSecretKey"/>, as Zaqar without <c>[signed_url] secret_key</c>.</summary>
public sealed class SignedUrlWithoutKeyApiTests : ApiTestBase
{
    [Fact]
    public async Task Share_without_a_key_is_400()
    {
        var response = await SendAsync("POST", "/v2/queues/shared/share", "{}");

        var json = AssertError(response, 400);
        Assert.Equal("The `key` can't be None", json.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Signed_request_without_a_key_is_404()
    {
        var response = await SendAsync(
            "GET",
            "/v2/queues/shared/messages",
            null,
            Project,
            ClientId,
            ("URL-Signature", SignedUrlApiTests.Vector),
            ("URL-Expires", "2030-01-16T12:00:00"),
            ("URL-Methods", "GET,POST"),
            ("URL-Paths", "/v2/queues/shared/claims,/v2/queues/shared/messages"));

        AssertError(response, 404);
    }

    [Fact]
    public async Task Unsigned_requests_are_unaffected()
    {
        Assert.Equal(204, (await SendAsync("GET", "/v2/ping")).Status);
        Assert.Equal(200, (await SendAsync("GET", "/v2/queues/shared/messages?echo=true")).Status);
    }
}
