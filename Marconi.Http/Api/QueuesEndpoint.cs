using System.Globalization;
using System.Text;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Validation;

namespace Marconi.Http.Api;

/// <summary>Queues: list, create, read and patch metadata, delete, stats, purge.</summary>
internal sealed class QueuesEndpoint
{
    private const string PatchMediaType = "application/openstack-messaging-v2.0-json-patch";
    private readonly QueueEngine _engine;
    private readonly int _maxMetadataSize;

    public QueuesEndpoint(QueueEngine engine, int maxMetadataSize)
    {
        _engine = engine;
        _maxMetadataSize = maxMetadataSize;
    }

    /// <summary>
    /// GET /queues: a page of queues by name, with a next link when the page is not empty. v1 answers an empty page
    /// with 204, knows no <c>name</c> or <c>with_count</c>, and names the page in Content-Location.
    /// </summary>
    public async ValueTask ListAsync(ApiContext context)
    {
        var query = context.Query;
        var marker = query.Get("marker");
        var limit = query.GetInt("limit");
        var detailed = query.GetBool("detailed");
        var name = context.IsV1 ? null : query.Get("name");
        var withCount = context.IsV1 ? null : query.GetBool("with_count");
        var page = await _engine.ListQueuesAsync(
            context.Project,
            new QueueListOptions { Marker = marker, Limit = limit, Detailed = detailed == true, NamePrefix = name, WithCount = withCount == true },
            context.CancellationToken).ConfigureAwait(false);
        if (context.IsV1)
        {
            if (page.Queues.Count == 0)
            {
                context.Response.StatusCode = 204;
                return;
            }

            context.Response.AddHeader("Content-Location", context.RelativeUri);
        }

        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("queues");
        foreach (var queue in page.Queues)
        {
            writer.WriteStartObject();
            writer.WriteString("name", queue.Name);
            writer.WriteString("href", context.QueuesPath + "/" + queue.Name);
            if (detailed == true)
            {
                writer.WritePropertyName("metadata");
                var stored = queue.Metadata.IsEmpty ? QueueMetadata.Empty.Json : queue.Metadata;
                var rendered = context.IsV2 ? MetadataDocument.RenderEffective(new QueueMetadata(stored, QueueSettings.None), _engine.Limits) : stored;
                writer.WriteRawValue(rendered.Span, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("links");
        if (page.Queues.Count > 0)
        {
            var href = new StringBuilder(context.QueuesPath).Append("?marker=").Append(Uri.EscapeDataString(page.NextMarker ?? marker ?? string.Empty));
            AppendParameter(href, "limit", limit?.ToString(CultureInfo.InvariantCulture));
            AppendParameter(href, "detailed", Bool(detailed));
            AppendParameter(href, "name", name);
            AppendParameter(href, "with_count", Bool(withCount));
            writer.WriteStartObject();
            writer.WriteString("rel", "next");
            writer.WriteString("href", href.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (withCount == true && page.Count is > 0)
        {
            writer.WriteNumber("count", page.Count.Value);
        }

        writer.WriteEndObject();
    }

    /// <summary>PUT /queues/{q}: 201 when created, 204 when it existed; Location either way. v1 takes no metadata (its body is not read).</summary>
    public async ValueTask CreateAsync(ApiContext context)
    {
        var body = context.IsV1 ? ReadOnlyMemory<byte>.Empty : context.Request.Body;
        if (body.Length > _maxMetadataSize)
        {
            throw MetadataTooLarge();
        }

        if (!body.IsEmpty)
        {
            RequestBody.EnsureWellFormed(body);
            if (FirstToken(body) != JsonTokenType.StartObject)
            {
                throw RequestBody.DocumentTypeNotSupported();
            }
        }

        var created = await _engine.CreateQueueAsync(context.Project, context.Queue, body, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = created ? 201 : 204;
        context.Response.AddHeader("Location", context.QueuePath);
    }

    /// <summary>GET /queues/{q}: v2 answers the effective metadata (reserved keys filled in); v1.1 the stored keys only.</summary>
    public async ValueTask GetAsync(ApiContext context)
    {
        ReadOnlyMemory<byte> metadata;
        if (context.IsV2)
        {
            metadata = await _engine.GetQueueMetadataAsync(context.Project, context.Queue, context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            metadata = await StoredMetadataAsync(context).ConfigureAwait(false);
        }

        var writer = JsonResponse.Start(context.Response);
        writer.WriteRawValue(metadata.Span, skipInputValidation: true);
    }

    /// <summary>PATCH /queues/{q} (v2): JSON-patch operations on <c>/metadata/{key}</c>; 200 with the whole metadata.</summary>
    public async ValueTask PatchAsync(ApiContext context)
    {
        var body = context.Request.Body;
        if (body.Length > _maxMetadataSize)
        {
            throw MetadataTooLarge();
        }

        var contentType = HeaderRules.MediaType(context.Request.GetHeader("Content-Type"));
        if (!string.Equals(contentType, PatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(415, ErrorTitles.UnsupportedMediaType, $"Accepted media type for PATCH: {{'Accept-Patch': '{PatchMediaType}'}}.")
            {
                Header = new("Accept-Patch", PatchMediaType),
            };
        }

        if (body.IsEmpty)
        {
            throw ApiException.BadBody("PATCH body could not be empty for update.");
        }

        RequestBody.EnsureWellFormed(body);
        var operations = RequestBody.Parse(body, ParsePatch);
        var metadata = await _engine.PatchQueueMetadataAsync(context.Project, context.Queue, operations, context.CancellationToken).ConfigureAwait(false);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteRawValue(metadata, skipInputValidation: true);
    }

    /// <summary>DELETE /queues/{q}: 204, also when it did not exist.</summary>
    public async ValueTask DeleteAsync(ApiContext context)
    {
        await _engine.DeleteQueueAsync(context.Project, context.Queue, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    /// <summary>
    /// GET /queues/{q}/stats: counts, and the oldest and newest messages when there are any. v1 answers 404 for a
    /// queue that does not exist and names the stats in Content-Location.
    /// </summary>
    public async ValueTask StatsAsync(ApiContext context)
    {
        if (context.IsV1)
        {
            await EnsureExistsAsync(context).ConfigureAwait(false);
            context.Response.AddHeader("Content-Location", context.Request.Path);
        }

        var stats = await _engine.GetQueueStatsAsync(context.Project, context.Queue, context.CancellationToken).ConfigureAwait(false);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartObject("messages");
        writer.WriteNumber("claimed", stats.Claimed);
        writer.WriteNumber("free", stats.Free);
        writer.WriteNumber("total", stats.Total);
        if (stats.Total > 0 && stats.Oldest is { } oldest && stats.Newest is { } newest)
        {
            WriteStamp(writer, context, "oldest", oldest);
            WriteStamp(writer, context, "newest", newest);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>POST /queues/{q}/purge (v2): removes the messages, the subscriptions or both (no body: both); 204.</summary>
    public async ValueTask PurgeAsync(ApiContext context)
    {
        var body = context.Request.Body;
        var (messages, subscriptions) = (true, true);
        if (!body.IsEmpty)
        {
            RequestBody.EnsureWellFormed(body);
            (messages, subscriptions) = RequestBody.Parse(body, ParsePurge);
        }

        try
        {
            if (messages)
            {
                await _engine.PurgeQueueAsync(context.Project, context.Queue, context.CancellationToken).ConfigureAwait(false);
            }

            if (subscriptions)
            {
                await _engine.PurgeSubscriptionsAsync(context.Project, context.Queue, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (QueueException error) when (error.Kind == QueueErrorKind.NotFound)
        {
            // Purging a queue that does not exist leaves nothing to do.
        }

        context.Response.StatusCode = 204;
    }

    /// <summary>404 in Zaqar's words when the route's queue does not exist.</summary>
    public async ValueTask EnsureExistsAsync(ApiContext context)
    {
        if (!await _engine.QueueExistsAsync(context.Project, context.Queue, context.CancellationToken).ConfigureAwait(false))
        {
            throw QueueNotFound(context);
        }
    }

    /// <summary>The 404 of a missing queue, worded as Zaqar's QueueDoesNotExist.</summary>
    public static ApiException QueueNotFound(ApiContext context) =>
        new(404, ErrorTitles.NotFound, $"Queue {context.Queue} does not exist for project {context.Project}");

    /// <summary>The queue's stored metadata (no reserved defaults filled in); null when the queue does not exist.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> FindStoredMetadataAsync(ApiContext context)
    {
        // The engine exposes stored metadata through detailed listings: a prefix filter on the exact name puts the
        // queue itself first when it exists.
        var page = await _engine.ListQueuesAsync(
            context.Project,
            new QueueListOptions { NamePrefix = context.Queue, Limit = 1, Detailed = true },
            context.CancellationToken).ConfigureAwait(false);
        if (page.Queues.Count == 1 && string.Equals(page.Queues[0].Name, context.Queue, StringComparison.Ordinal))
        {
            return page.Queues[0].Metadata.IsEmpty ? QueueMetadata.Empty.Json : page.Queues[0].Metadata;
        }

        return null;
    }

    private ApiException MetadataTooLarge() =>
        new(413, ErrorTitles.TooLarge, string.Create(CultureInfo.InvariantCulture, $"Queue metadata is too large. Max size: {_maxMetadataSize}"));

    private async ValueTask<ReadOnlyMemory<byte>> StoredMetadataAsync(ApiContext context) =>
        await FindStoredMetadataAsync(context).ConfigureAwait(false) ?? QueueMetadata.Empty.Json;

    private static void WriteStamp(Utf8JsonWriter writer, ApiContext context, string name, MessageStamp stamp)
    {
        writer.WriteStartObject(name);
        writer.WriteString("href", context.MessageHref(stamp.Id, null));
        writer.WriteNumber("age", stamp.Age);
        writer.WriteString("created", stamp.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    /// <summary>The first token of a well-formed body (the PUT metadata must be an object).</summary>
    internal static JsonTokenType FirstToken(ReadOnlyMemory<byte> body)
    {
        var reader = RequestBody.Reader(body);
        return reader.Read() ? reader.TokenType : JsonTokenType.None;
    }

    /// <summary>The operations of a JSON-patch body; call through <see cref="RequestBody.Parse"/> after <see cref="RequestBody.EnsureWellFormed"/>.</summary>
    internal static List<MetadataPatchOperation> ParsePatch(ReadOnlyMemory<byte> body)
    {
        var operations = new List<MetadataPatchOperation>();
        var reader = RequestBody.Reader(body);
        RequestBody.ReadStart(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw ApiException.BadBody("Operations must be JSON objects.");
            }

            string? op = null;
            string? path = null;
            ReadOnlyMemory<byte>? value = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                RequestBody.ReadValue(ref reader);
                switch (property)
                {
                    case "op" when reader.TokenType == JsonTokenType.String:
                        op = reader.GetString();
                        break;
                    case "path" when reader.TokenType == JsonTokenType.String:
                        path = reader.GetString();
                        break;
                    case "value":
                        value = RequestBody.RawValue(ref reader, body);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            operations.Add(ToOperation(op, path, value));
        }

        return operations;
    }

    private static MetadataPatchOperation ToOperation(string? op, string? path, ReadOnlyMemory<byte>? value)
    {
        var kind = op switch
        {
            null => throw ApiException.BadBody("Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace."),
            "add" => MetadataPatchOp.Add,
            "replace" => MetadataPatchOp.Replace,
            "remove" => MetadataPatchOp.Remove,
            _ => throw ApiException.BadBody($"Invalid operation: `{op}`. It must be one of the following: add, remove, replace."),
        };
        if (path is null)
        {
            throw ApiException.BadBody("Unable to find 'path' in JSON Schema change");
        }

        if (!path.StartsWith('/'))
        {
            throw ApiException.BadBody($"Pointer `{path}` does not start with \"/\".");
        }

        var parts = path[1..].Split('/');
        if (parts.Length != 2 || parts[1].Length == 0)
        {
            throw ApiException.BadBody($"Invalid JSON pointer for this resource: '{path}, e.g /metadata/key'");
        }

        if (!string.Equals(parts[0].Trim(), "metadata", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadBody("The root of path must be metadata, e.g /metadata/key.");
        }

        var key = parts[1].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal).Trim();
        if (kind != MetadataPatchOp.Remove && value is null)
        {
            throw ApiException.BadBody($"Operation \"{op}\" requires a member named \"value\".");
        }

        // Zaqar lets replace set a reserved key the queue does not set yet.
        if (kind == MetadataPatchOp.Replace && key.StartsWith('_'))
        {
            kind = MetadataPatchOp.Add;
        }

        return new MetadataPatchOperation(kind, key, value ?? ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>What a purge body <c>{"resource_types": [...]}</c> asks to remove; call through <see cref="RequestBody.Parse"/>.</summary>
    internal static (bool Messages, bool Subscriptions) ParsePurge(ReadOnlyMemory<byte> body)
    {
        var reader = RequestBody.Reader(body);
        RequestBody.ReadStart(ref reader, JsonTokenType.StartObject);
        List<string>? types = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            RequestBody.ReadValue(ref reader);
            if (property == "resource_types" && reader.TokenType == JsonTokenType.StartArray)
            {
                types = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    types.Add(reader.TokenType == JsonTokenType.String ? reader.GetString() ?? string.Empty : string.Empty);
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (types is null)
        {
            throw ApiException.BadRequest("Post body must contain key \"resource_types\".");
        }

        if (types.Any(t => t is not ("messages" or "subscriptions")))
        {
            throw ApiException.BadRequest("Resource types must be a sub set of {'messages', 'subscriptions'}.");
        }

        return (types.Contains("messages"), types.Contains("subscriptions"));
    }

    private static void AppendParameter(StringBuilder href, string name, string? value)
    {
        if (value is not null)
        {
            href.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    private static string? Bool(bool? value) => value is null ? null : value.Value ? "true" : "false";
}
