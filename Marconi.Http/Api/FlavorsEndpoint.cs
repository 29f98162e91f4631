using System.Text.Json;

namespace Marconi.Http.Api;

/// <summary>
/// The flavors admin API (Zaqar 15's <c>/v2/flavors</c>): a flavor names a set of pools (<c>pool_list</c>); a queue
/// created with metadata <c>_flavor</c> is placed on one of them. Capabilities are answered from the pools' driver,
/// as Zaqar does; a <c>capabilities</c> object in a body is accepted and kept but does not change them.
/// </summary>
internal sealed class FlavorsEndpoint
{
    private const string UnableToCreate = "Unable to create";

    private readonly IPoolAdministration _pools;

    public FlavorsEndpoint(IPoolAdministration pools) => _pools = pools;

    /// <summary>GET /v2/flavors[?marker=&amp;limit=&amp;detailed=]: a page of flavors (capabilities only when detailed) and a next link.</summary>
    public void List(ApiContext context)
    {
        var (marker, limit, detailed) = PoolsEndpoint.ListingQuery(context);
        var flavors = _pools.ListFlavors(marker, limit ?? PoolsEndpoint.DefaultPageSize);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("flavors");
        foreach (var flavor in flavors)
        {
            writer.WriteStartObject();
            writer.WriteString("name", flavor.Name);
            writer.WriteString("href", context.Request.Path + "/" + flavor.Name);

            // Zaqar lists pool_list only when the flavor has pools.
            if (flavor.Pools.Count > 0)
            {
                WriteStrings(writer, "pool_list", flavor.Pools);
            }

            if (detailed == true)
            {
                WriteStrings(writer, "capabilities", flavor.Capabilities);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        PoolsEndpoint.WriteNextLink(writer, context, flavors.Count > 0 ? flavors[^1].Name : null, limit, detailed);
        writer.WriteEndObject();
    }

    /// <summary>GET /v2/flavors/{name}: the flavor with its pools and capabilities; 404 when missing.</summary>
    public void Get(ApiContext context)
    {
        var name = PoolsEndpoint.Name(context);
        Write(context, _pools.GetFlavor(name) ?? throw FlavorNotFound(name));
    }

    /// <summary>
    /// PUT /v2/flavors/{name} <c>{"pool_list": [...], "capabilities"?: {}}</c>: 201; 400 when pool_list is missing,
    /// empty, or names a pool that does not exist.
    /// </summary>
    public void Put(ApiContext context)
    {
        var name = PoolsEndpoint.Name(context);
        List<string> pools;
        string capabilities;
        using (var document = AdminBody.ParseObject(context))
        {
            var body = document.RootElement;
            AdminBody.OnlyKnown(body, "pool_list", "capabilities");
            if (!body.TryGetProperty("pool_list", out var list))
            {
                throw ApiException.BadBody("The \"pool_list\" field is required.");
            }

            pools = AdminBody.PoolList(list);
            capabilities = body.TryGetProperty("capabilities", out var caps) ? AdminBody.Object(caps, "capabilities") : "{}";
        }

        if (pools.Count == 0)
        {
            throw new ApiException(400, UnableToCreate, "Bad Request");
        }

        if (_pools.PutFlavor(name, pools, capabilities) is { Outcome: AdminOutcome.UnknownPool } refused)
        {
            throw new ApiException(400, UnableToCreate, $"Flavor {name} could not be created, error:Pool {refused.Detail} does not exist");
        }

        context.Response.StatusCode = 201;
        context.Response.AddHeader("Location", context.Request.Path);
    }

    /// <summary>PATCH /v2/flavors/{name} <c>{"pool_list": [...]}</c>: 200 with the flavor; 404 when missing.</summary>
    public void Patch(ApiContext context)
    {
        var name = PoolsEndpoint.Name(context);
        List<string> pools;
        using (var document = AdminBody.ParseObject(context))
        {
            if (!document.RootElement.TryGetProperty("pool_list", out var list))
            {
                throw ApiException.BadBody("`pool_list` needs to be specified");
            }

            pools = AdminBody.PoolList(list);
        }

        if (pools.Count == 0)
        {
            throw new ApiException(400, UnableToCreate, "Bad Request");
        }

        var result = _pools.UpdateFlavor(name, pools);
        switch (result.Outcome)
        {
            case AdminOutcome.NotFound:
                throw FlavorNotFound(name);
            case AdminOutcome.UnknownPool:
                throw new ApiException(400, "updatefail", $"Flavor {name} cant be updated, error:Pool {result.Detail} does not exist");
        }

        Write(context, _pools.GetFlavor(name) ?? throw FlavorNotFound(name));
    }

    /// <summary>DELETE /v2/flavors/{name}: 204, also when it did not exist; its pools stay, without a flavor.</summary>
    public void Delete(ApiContext context)
    {
        _pools.DeleteFlavor(PoolsEndpoint.Name(context));
        context.Response.StatusCode = 204;
    }

    private static ApiException FlavorNotFound(string name) => new(404, ErrorTitles.NotFound, $"Flavor {name} does not exist");

    private static void Write(ApiContext context, FlavorEntry flavor)
    {
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteString("name", flavor.Name);
        WriteStrings(writer, "capabilities", flavor.Capabilities);
        WriteStrings(writer, "pool_list", flavor.Pools);
        writer.WriteString("href", context.Request.Path);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
