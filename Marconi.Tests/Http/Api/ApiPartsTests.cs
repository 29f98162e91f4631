using Marconi.Core.Errors;
using Marconi.Http.Api;
using Marconi.Http.Hosting;
using Marconi.Http.Api.Routing;

namespace Marconi.Tests.Http.Api;

public sealed class ApiPartsTests
{
    [Theory]
    [InlineData("/v2/queues/q/messages/abc", "Message", "V2", "q", "abc")]
    [InlineData("/v2/queues/q/claims/", "Claims", "V2", "q", null)]
    [InlineData("/v1.1/queues/q", "Queue", "V1_1", "q", null)]
    [InlineData("/v1/queues/q/metadata", "QueueMetadata", "V1", "q", null)]
    [InlineData("/v1/", "Home", "V1", null, null)]
    [InlineData("/v2", "Home", "V2", null, null)]
    [InlineData("/", "Versions", "None", null, null)]
    public void Routes_match(string path, string kind, string version, string? queue, string? id)
    {
        Assert.True(RouteTable.TryMatch(path, out var match));
        Assert.Equal(Enum.Parse<RouteKind>(kind), match.Kind);
        Assert.Equal(Enum.Parse<ApiVersion>(version), match.Version);
        Assert.Equal(queue, match.Queue);
        Assert.Equal(id, match.ResourceId);
    }

    [Theory]
    [InlineData("/v3/queues")]
    [InlineData("/v1/ping")]
    [InlineData("/v1.1/queues/q/metadata")]
    [InlineData("v2/queues")]
    [InlineData("/v1.1/queues/q/purge")]
    public void Unknown_routes_do_not_match(string path) => Assert.False(RouteTable.TryMatch(path, out _));

    [Fact]
    public void Query_values_are_decoded_and_blank_values_dropped()
    {
        var query = QueryString.Parse("marker=a%2Cb&limit=&ids=x,,y&name=a+b&flag=TRUE&off=False");

        Assert.Equal("a,b", query.Get("marker"));
        Assert.Null(query.Get("limit"));
        Assert.Equal(["x", "y"], query.GetList("ids")!);
        Assert.Equal("a b", query.Get("name"));
        Assert.True(query.GetBool("flag"));
        Assert.False(query.GetBool("off"));
        Assert.Null(query.GetBool("absent"));
    }

    [Theory]
    [InlineData("limit=1e3")]
    [InlineData("limit=0x10")]
    [InlineData("limit=99999999999")]
    public void Integers_are_strict(string text)
    {
        var error = Assert.Throws<ApiException>(() => QueryString.Parse(text).GetInt("limit"));
        Assert.Equal(400, error.StatusCode);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/*;q=0", false)]
    public void Accept_rules(string? accept, bool accepted) => Assert.Equal(accepted, HeaderRules.AcceptsJson(accept));

    [Theory]
    [InlineData(QueueErrorKind.InvalidArgument, "ttl", 400)]
    [InlineData(QueueErrorKind.LimitExceeded, "ids", 400)]
    [InlineData(QueueErrorKind.LimitExceeded, "messages", 413)]
    [InlineData(QueueErrorKind.LimitExceeded, "metadata", 413)]
    [InlineData(QueueErrorKind.NotFound, null, 404)]
    [InlineData(QueueErrorKind.Conflict, "path", 409)]
    [InlineData(QueueErrorKind.ClaimRequired, "claim_id", 403)]
    [InlineData(QueueErrorKind.ClaimMismatch, "claim_id", 400)]
    [InlineData(QueueErrorKind.StorageUnavailable, null, 503)]
    public void Engine_errors_map_to_statuses(QueueErrorKind kind, string? field, int status)
    {
        var error = ErrorResponses.FromQueueError(new QueueException(kind, "What went wrong.", field));
        var response = new HttpResponse();

        ErrorResponses.Write(response, error);

        Assert.Equal(status, response.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(response.Body.WrittenMemory);
        Assert.Equal(["description", "title"], document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.StartsWith("What went wrong.", document.RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
