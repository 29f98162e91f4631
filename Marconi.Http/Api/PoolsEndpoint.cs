using System.Globalization;
using System.Text;
using System.Text.Json;
using Marconi.Core.Validation;

namespace Marconi.Http.Api;

/// <summary>
/// The pools admin API (Zaqar 15's <c>/v2/pools</c>): register, list, read, change and remove the stores queues are
/// placed on. Served in admin mode with pooling on, to admins only (checked before these run).
/// </summary>
internal sealed class PoolsEndpoint
{
    /// <summary>Zaqar's default page size of pool and flavor listings.</summary>
    public const int DefaultPageSize = 10;

    /// <summary>Zaqar's <c>max_pools_per_page</c> and <c>max_flavors_per_page</c>.</summary>
    public const int MaxPageSize = 20;

    private static readonly string[] CreateFields = ["uri", "weight", "flavor", "options"];

    private readonly IPoolAdministration _pools;

    public PoolsEndpoint(IPoolAdministration pools) => _pools = pools;

    /// <summary>GET /v2/pools[?marker=&amp;limit=&amp;detailed=]: a page of pools (options only when detailed) and a next link.</summary>
    public void List(ApiContext context)
    {
        var (marker, limit, detailed) = ListingQuery(context);
        var pools = _pools.ListPools(marker, limit ?? DefaultPageSize);
        context.Response.AddHeader("Content-Location", context.RelativeUri);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("pools");
        foreach (var pool in pools)
        {
            Write(writer, pool, detailed ?? false, context.Request.Path + "/" + pool.Name);
        }

        writer.WriteEndArray();
        WriteNextLink(writer, context, pools.Count > 0 ? pools[^1].Name : null, limit, detailed);
        writer.WriteEndObject();
    }

    /// <summary>GET|HEAD /v2/pools/{name}[?detailed=]: the pool; 404 when missing.</summary>
    public void Get(ApiContext context)
    {
        var name = Name(context);
        var detailed = context.Query.GetBool("detailed") ?? false;
        var pool = _pools.GetPool(name) ?? throw PoolNotFound(name);
        if (context.Request.Method == "HEAD")
        {
            return;
        }

        Write(JsonResponse.Start(context.Response), pool, detailed, context.Request.Path);
    }

    /// <summary>
    /// PUT /v2/pools/{name} <c>{"uri", "weight", "flavor"?, "options"?}</c>: 201, creating or replacing it; 400 on a bad
    /// field or a URI no driver can open; 409 when another pool has the URI or queues live on its old URI.
    /// </summary>
    public async ValueTask PutAsync(ApiContext context)
    {
        var name = Name(context);
        PoolEntry pool;
        using (var document = AdminBody.ParseObject(context))
        {
            var body = document.RootElement;
            AdminBody.OnlyKnown(body, CreateFields);
            if (!body.TryGetProperty("uri", out var uri))
            {
                throw ApiException.BadBody("The \"uri\" field is required.");
            }

            if (!body.TryGetProperty("weight", out var weight))
            {
                throw ApiException.BadBody("The \"weight\" field is required.");
            }

            pool = new PoolEntry(
                name,
                AdminBody.BoundedString(uri, "uri"),
                AdminBody.Weight(weight),
                body.TryGetProperty("flavor", out var flavor) ? NullIfEmpty(AdminBody.BoundedString(flavor, "flavor")) : null,
                body.TryGetProperty("options", out var options) ? AdminBody.Object(options, "options") : "{}");
        }

        Refuse(await _pools.PutPoolAsync(pool, context.CancellationToken).ConfigureAwait(false), name);
        context.Response.StatusCode = 201;
        context.Response.AddHeader("Location", context.Request.Path);
    }

    /// <summary>PATCH /v2/pools/{name} with at least one of uri, weight, flavor, options: 200 with the pool; 404 when missing.</summary>
    public async ValueTask PatchAsync(ApiContext context)
    {
        var name = Name(context);
        string? uri = null;
        long? weight = null;
        string? flavor = null;
        string? options = null;
        using (var document = AdminBody.ParseObject(context))
        {
            var body = document.RootElement;
            var any = false;
            foreach (var field in CreateFields)
            {
                any |= body.TryGetProperty(field, out _);
            }

            if (!any)
            {
                throw ApiException.BadBody("One of `uri`, `weight`, `flavor`, or `options` needs to be specified");
            }

            if (body.TryGetProperty("uri", out var uriValue))
            {
                uri = AdminBody.BoundedString(uriValue, "uri");
            }

            if (body.TryGetProperty("weight", out var weightValue))
            {
                weight = AdminBody.Weight(weightValue);
            }

            if (body.TryGetProperty("flavor", out var flavorValue))
            {
                flavor = AdminBody.BoundedString(flavorValue, "flavor");
            }

            if (body.TryGetProperty("options", out var optionsValue))
            {
                options = AdminBody.Object(optionsValue, "options");
            }
        }

        Refuse(await _pools.UpdatePoolAsync(name, uri, weight, flavor, options, context.CancellationToken).ConfigureAwait(false), name);
        Write(JsonResponse.Start(context.Response), _pools.GetPool(name) ?? throw PoolNotFound(name), detailed: false, context.Request.Path);
    }

    /// <summary>
    /// DELETE /v2/pools/{name}: 204, also when it did not exist; 403 when it is the only pool of a flavor (Zaqar's rule);
    /// 409 while queues live on it (Zaqar would orphan them).
    /// </summary>
    public void Delete(ApiContext context)
    {
        var name = Name(context);
        var outcome = _pools.DeletePool(name);
        if (outcome != AdminOutcome.NotFound)
        {
            Refuse(new AdminResult(outcome), name);
        }

        context.Response.StatusCode = 204;
    }

    /// <summary>The pool or flavor name of the route; 400 unless it is 1-64 letters, digits, hyphens and underscores.</summary>
    public static string Name(ApiContext context)
    {
        var name = context.ResourceId;
        return Names.IsValidQueueName(name, 64)
            ? name
            : throw ApiException.BadRequest("Pool and flavor names may have at most 64 letters, digits, hyphens and underscores.");
    }

    /// <summary>marker, limit (1 to 20) and detailed of a pool or flavor listing.</summary>
    public static (string? Marker, int? Limit, bool? Detailed) ListingQuery(ApiContext context)
    {
        var limit = context.Query.GetInt("limit");
        var detailed = context.Query.GetBool("detailed");
        if (limit is { } size && size is < 1 or > MaxPageSize)
        {
            throw ApiException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"Limit must be at least 1 and no greater than {MaxPageSize}."));
        }

        return (context.Query.Get("marker"), limit, detailed);
    }

    /// <summary>Zaqar's links: a next link when the page is not empty (marker = its last name), else none.</summary>
    public static void WriteNextLink(Utf8JsonWriter writer, ApiContext context, string? lastName, int? limit, bool? detailed)
    {
        writer.WriteStartArray("links");
        if (lastName is not null)
        {
            var href = new StringBuilder(context.Request.Path).Append("?marker=").Append(Uri.EscapeDataString(lastName));
            if (limit is { } size)
            {
                href.Append("&limit=").Append(size.ToString(CultureInfo.InvariantCulture));
            }

            if (detailed is { } flag)
            {
                href.Append("&detailed=").Append(flag ? "true" : "false");
            }

            writer.WriteStartObject();
            writer.WriteString("rel", "next");
            writer.WriteString("href", href.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private void Refuse(AdminResult result, string name)
    {
        switch (result.Outcome)
        {
            case AdminOutcome.BadUri:
                throw ApiException.BadBody(result.Detail!);
            case AdminOutcome.NotFound:
                throw PoolNotFound(name);
            case AdminOutcome.UriTaken:
                throw new ApiException(409, ErrorTitles.Conflict, "The database URI is in use by another pool.");
            case AdminOutcome.HasQueues:
                throw new ApiException(409, ErrorTitles.Conflict, string.Create(CultureInfo.InvariantCulture,
                    $"Pool {name} holds {_pools.QueueCount(name)} queue(s); delete them first: removing the pool or changing its uri would orphan them."));
            case AdminOutcome.LastOfFlavor:
                throw new ApiException(403, ErrorTitles.UnableToDelete,
                    $"This pool is used by flavors {_pools.GetPool(name)?.Flavor}; It cannot be deleted.");
            default:
                return;
        }
    }

    private static ApiException PoolNotFound(string name) => new(404, ErrorTitles.NotFound, $"Pool {name} does not exist");

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static void Write(Utf8JsonWriter writer, PoolEntry pool, bool detailed, string href)
    {
        writer.WriteStartObject();
        writer.WriteString("name", pool.Name);
        writer.WriteString("flavor", pool.Flavor);
        writer.WriteString("uri", pool.Uri);
        writer.WriteNumber("weight", pool.Weight);
        if (detailed)
        {
            writer.WritePropertyName("options");
            writer.WriteRawValue(pool.OptionsJson, skipInputValidation: true);
        }

        writer.WriteString("href", href);
        writer.WriteEndObject();
    }
}
