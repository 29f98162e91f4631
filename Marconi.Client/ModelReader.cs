using System.Text.Json;

namespace Marconi.Client;

/// <summary>Reads the typed models out of the server's JSON answers.</summary>
internal static class ModelReader
{
    public static Message Message(JsonElement element)
    {
        // Popped messages carry no href (they are gone); listed and claimed ones always do.
        var href = element.TryGetProperty("href", out var hrefElement) ? hrefElement.GetString()! : string.Empty;
        var id = element.TryGetProperty("id", out var idElement) ? idElement.GetString()! : LastSegment(href);
        return new Message(id, href, element.GetProperty("ttl").GetInt32(), element.GetProperty("age").GetInt32(), element.GetProperty("body").Clone(), ClaimIdOf(href));
    }

    public static List<Message> Messages(JsonElement array)
    {
        var messages = new List<Message>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            messages.Add(Message(item));
        }

        return messages;
    }

    public static Subscription Subscription(JsonElement element) => new(
        element.GetProperty("id").GetString()!,
        element.GetProperty("source").GetString()!,
        element.GetProperty("subscriber").GetString()!,
        element.GetProperty("ttl").GetInt32(),
        element.GetProperty("age").GetInt32(),
        element.TryGetProperty("options", out var options) ? options.Clone() : default,
        element.TryGetProperty("confirmed", out var confirmed) && confirmed.ValueKind == JsonValueKind.True);

    /// <summary>The <c>marker</c> parameter of the answer's <c>next</c> link, or null when the page was empty or has none.</summary>
    public static string? NextMarker(JsonElement root, int count)
    {
        if (count == 0 || !root.TryGetProperty("links", out var links))
        {
            return null;
        }

        foreach (var link in links.EnumerateArray())
        {
            if (link.GetProperty("rel").GetString() == "next")
            {
                return QueryValue(link.GetProperty("href").GetString()!, "marker");
            }
        }

        return null;
    }

    public static MessageAgeInfo? AgeInfo(JsonElement messages, string name) =>
        messages.TryGetProperty(name, out var item) && item.ValueKind == JsonValueKind.Object
            ? new MessageAgeInfo(item.GetProperty("href").GetString()!, item.GetProperty("age").GetInt32(), item.GetProperty("created").GetString()!)
            : null;

    public static IReadOnlyList<string> Strings(JsonElement array)
    {
        var values = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            values.Add(item.GetString()!);
        }

        return values;
    }

    public static string LastSegment(string href)
    {
        var end = href.IndexOf('?', StringComparison.Ordinal);
        var path = end < 0 ? href : href[..end];
        return path[(path.LastIndexOf('/') + 1)..];
    }

    public static string? QueryValue(string href, string name)
    {
        var start = href.IndexOf('?', StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        foreach (var pair in href[(start + 1)..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(name))
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }

    private static string? ClaimIdOf(string href) => QueryValue(href, "claim_id");
}
