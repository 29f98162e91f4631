using System.Globalization;
using System.Text.Json;

namespace Marconi.Http.Api;

/// <summary>
/// Reading the small JSON bodies of the admin endpoints (pools, flavors): whole documents, not the hot path. Errors
/// are Zaqar's 400 "Invalid request body", naming the field at fault.
/// </summary>
internal static class AdminBody
{
    /// <summary>The largest admin body accepted (a pool's options or a flavor's pool list are small).</summary>
    public const int MaxSize = 65_536;

    /// <summary>The largest pool weight (Zaqar's schema: 2^32 - 1).</summary>
    public const long MaxWeight = uint.MaxValue;

    /// <summary>The longest pool URI or flavor name in a body (Zaqar's schema).</summary>
    public const int MaxFieldLength = 255;

    /// <summary>Parses the request body as one JSON object; 413 when too large, 400 when empty, malformed or not an object.</summary>
    public static JsonDocument ParseObject(ApiContext context)
    {
        var body = context.Request.Body;
        if (body.Length > MaxSize)
        {
            throw new ApiException(413, ErrorTitles.TooLarge, string.Create(CultureInfo.InvariantCulture, $"Request body is too large. Max size: {MaxSize}"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw ApiException.BadBody("JSON could not be parsed.");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw ApiException.BadBody("The request body must be a JSON object.");
        }

        return document;
    }

    /// <summary>Refuses any property not in <paramref name="allowed"/> (Zaqar's create schemas forbid additional properties).</summary>
    public static void OnlyKnown(JsonElement body, params string[] allowed)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw ApiException.BadBody($"Additional properties are not allowed ('{property.Name}' was unexpected); the allowed fields are {string.Join(", ", allowed)}.");
            }
        }
    }

    /// <summary>A pool weight: an integer from 0 to 2^32 - 1.</summary>
    public static long Weight(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var weight) && weight is >= 0 and <= MaxWeight
            ? weight
            : throw ApiException.BadBody(string.Create(CultureInfo.InvariantCulture, $"The \"weight\" field must be an integer from 0 to {MaxWeight}."));

    /// <summary>A string field of at most 255 characters.</summary>
    public static string BoundedString(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: <= MaxFieldLength } text
            ? text
            : throw ApiException.BadBody(string.Create(CultureInfo.InvariantCulture, $"The \"{field}\" field must be a string of at most {MaxFieldLength} characters."));

    /// <summary>An object field, as compact JSON.</summary>
    public static string Object(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Object
            ? JsonSerializer.Serialize(value)
            : throw ApiException.BadBody($"The \"{field}\" field must be a JSON object.");

    /// <summary>A list of pool names.</summary>
    public static List<string> PoolList(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadBody("The \"pool_list\" field must be a list of pool names.");
        }

        var pools = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
            {
                throw ApiException.BadBody("The \"pool_list\" field must be a list of pool names.");
            }

            if (!pools.Contains(item.GetString()!, StringComparer.Ordinal))
            {
                pools.Add(item.GetString()!);
            }
        }

        return pools;
    }
}
