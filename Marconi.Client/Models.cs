using System.Text.Json;

namespace Marconi.Client;

/// <summary>A message as the server lists it.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Href">Its path on the server (with <c>?claim_id=</c> when it came from a claim; empty for a popped message).</param>
/// <param name="Ttl">Its time to live in seconds.</param>
/// <param name="Age">Seconds since it was posted.</param>
/// <param name="Body">Its JSON body.</param>
/// <param name="ClaimId">The claim holding it, when it came from a claim.</param>
public sealed record Message(string Id, string Href, int Ttl, int Age, JsonElement Body, string? ClaimId);

/// <summary>A message to post.</summary>
/// <param name="Body">Any JSON value.</param>
/// <param name="Ttl">Seconds to live (60–1209600), or the queue's default when null.</param>
/// <param name="Delay">Seconds before it can be listed or claimed (0–900), or the queue's default when null.</param>
public sealed record NewMessage(JsonElement Body, int? Ttl = null, int? Delay = null)
{
    /// <summary>A message whose body is the JSON text <paramref name="json"/>.</summary>
    public static NewMessage FromJson(string json, int? ttl = null, int? delay = null)
    {
        using var document = JsonDocument.Parse(json);
        return new NewMessage(document.RootElement.Clone(), ttl, delay);
    }
}

/// <summary>One page of a message listing.</summary>
/// <param name="Messages">The messages, oldest first.</param>
/// <param name="NextMarker">The marker for the next page, or null when the page was empty.</param>
public sealed record MessagePage(IReadOnlyList<Message> Messages, string? NextMarker);

/// <summary>What to list: the query parameters of <c>GET .../messages</c>.</summary>
/// <param name="Limit">Page size 1–20, or the server's default.</param>
/// <param name="Marker">Where the previous page ended.</param>
/// <param name="Echo">Also list messages this client posted.</param>
/// <param name="IncludeClaimed">Also list claimed messages.</param>
/// <param name="IncludeDelayed">Also list messages still delayed.</param>
public sealed record MessageListOptions(int? Limit = null, string? Marker = null, bool Echo = false, bool IncludeClaimed = false, bool IncludeDelayed = false);

/// <summary>A claim and the messages it holds.</summary>
/// <param name="Id">The claim id.</param>
/// <param name="Ttl">Seconds the claim lasts.</param>
/// <param name="Age">Seconds since it was made (0 for a new claim).</param>
/// <param name="Messages">The claimed messages.</param>
public sealed record Claim(string Id, int Ttl, int Age, IReadOnlyList<Message> Messages);

/// <summary>A queue's message counts.</summary>
/// <param name="Free">Messages that can be claimed.</param>
/// <param name="Claimed">Messages held by a claim.</param>
/// <param name="Total">All live messages.</param>
/// <param name="Oldest">The oldest message, when there is one.</param>
/// <param name="Newest">The newest message, when there is one.</param>
public sealed record QueueStats(long Free, long Claimed, long Total, MessageAgeInfo? Oldest, MessageAgeInfo? Newest);

/// <summary>Where and how old the oldest or newest message of a queue is.</summary>
/// <param name="Href">The message's path.</param>
/// <param name="Age">Seconds since it was posted.</param>
/// <param name="Created">When it was posted (ISO 8601, as the server wrote it).</param>
public sealed record MessageAgeInfo(string Href, int Age, string Created);

/// <summary>A queue in a listing.</summary>
/// <param name="Name">The queue name.</param>
/// <param name="Href">Its path.</param>
/// <param name="Metadata">Its metadata, when the listing was detailed.</param>
public sealed record QueueInfo(string Name, string Href, QueueMetadata? Metadata);

/// <summary>One page of the queue listing.</summary>
/// <param name="Queues">The queues, sorted by name.</param>
/// <param name="NextMarker">The marker for the next page, or null when the page was empty.</param>
public sealed record QueuePage(IReadOnlyList<QueueInfo> Queues, string? NextMarker);

/// <summary>A pre-signed URL: what <c>POST .../share</c> answers, and what a client acting under it sends.</summary>
/// <param name="Project">The project it is signed for.</param>
/// <param name="Paths">The paths it allows.</param>
/// <param name="Methods">The HTTP methods it allows.</param>
/// <param name="Expires">When it expires, as the server wrote it (ISO 8601).</param>
/// <param name="Signature">The hex HMAC-SHA256 signature.</param>
public sealed record SignedUrl(string Project, IReadOnlyList<string> Paths, IReadOnlyList<string> Methods, string Expires, string Signature)
{
    /// <summary>
    /// Reads the JSON document <c>POST .../share</c> answers (<c>project</c>, <c>paths</c>, <c>methods</c>,
    /// <c>expires</c>, <c>signature</c>), as a holder of a signed URL receives it.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">A field is missing or not of its type.</exception>
    public static SignedUrl FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A signed URL is a JSON object with project, paths, methods, expires and signature.");
        }

        return new SignedUrl(Text(root, "project"), List(root, "paths"), List(root, "methods"), Text(root, "expires"), Text(root, "signature"));
    }

    /// <summary>Writes the fields as <see cref="FromJson"/> reads them (and the server answered them).</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(JsonBody.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("project", Project);
        writer.WriteStartArray("paths");
        foreach (var path in Paths)
        {
            writer.WriteStringValue(path);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("methods");
        foreach (var method in Methods)
        {
            writer.WriteStringValue(method);
        }

        writer.WriteEndArray();
        writer.WriteString("expires", Expires);
        writer.WriteString("signature", Signature);
        writer.WriteEndObject();
    }));

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"The signed URL's '{name}' is missing or not a string.");

    private static List<string> List(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"The signed URL's '{name}' is missing or not an array.");
        }

        var values = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            values.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new FormatException($"The signed URL's '{name}' holds a value that is not a string."));
        }

        return values;
    }
}

/// <summary>A subscription: the server pushes the queue's new messages to <see cref="Subscriber"/>.</summary>
/// <param name="Id">The subscription id.</param>
/// <param name="Source">The queue it is on.</param>
/// <param name="Subscriber">The <c>http(s)://</c> or <c>mailto:</c> URI messages go to.</param>
/// <param name="Ttl">Seconds it lives.</param>
/// <param name="Age">Seconds since it was made (or its ttl last changed).</param>
/// <param name="Options">Its options object (free-form; the server reads some keys per subscriber kind).</param>
/// <param name="Confirmed">Whether the subscriber confirmed it.</param>
public sealed record Subscription(string Id, string Source, string Subscriber, int Ttl, int Age, JsonElement Options, bool Confirmed);

/// <summary>One page of a queue's subscriptions.</summary>
/// <param name="Subscriptions">The subscriptions.</param>
/// <param name="NextMarker">The marker for the next page, or null when the page was empty.</param>
public sealed record SubscriptionPage(IReadOnlyList<Subscription> Subscriptions, string? NextMarker);

/// <summary>The server's health document.</summary>
/// <param name="StorageReachable">Whether the server reaches its storage.</param>
/// <param name="Document">The whole document (Zaqar adds <c>operation_status</c> and more).</param>
public sealed record Health(bool StorageReachable, JsonElement Document);

/// <summary>One JSON-patch operation on queue metadata.</summary>
/// <param name="Op"><c>add</c>, <c>replace</c> or <c>remove</c>.</param>
/// <param name="Key">The metadata key (the path is <c>/metadata/{Key}</c>).</param>
/// <param name="Value">The value for add and replace.</param>
public sealed record MetadataPatch(string Op, string Key, JsonElement? Value = null);
