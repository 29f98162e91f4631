using System.Globalization;
using System.Text.Json;
using Marconi.Core;

namespace Marconi.Http.Api.V1;

/// <summary>The v1-only queue resources: existence checks and the metadata resource.</summary>
internal sealed class V1QueuesEndpoint
{
    private readonly QueueEngine _engine;
    private readonly QueuesEndpoint _queues;
    private readonly int _maxMetadataSize;

    public V1QueuesEndpoint(QueueEngine engine, QueuesEndpoint queues, int maxMetadataSize)
    {
        _engine = engine;
        _queues = queues;
        _maxMetadataSize = maxMetadataSize;
    }

    /// <summary>GET|HEAD /v1/queues/{q}: 204 when the queue exists, 404 when not; Content-Location either way.</summary>
    public async ValueTask ExistsAsync(ApiContext context)
    {
        context.Response.AddHeader("Content-Location", context.Request.Path);
        await _queues.EnsureExistsAsync(context).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    /// <summary>GET /v1/queues/{q}/metadata: 200 with the stored metadata, 404 when the queue does not exist.</summary>
    public async ValueTask GetMetadataAsync(ApiContext context)
    {
        var metadata = await _queues.FindStoredMetadataAsync(context).ConfigureAwait(false) ?? throw QueuesEndpoint.QueueNotFound(context);
        context.Response.AddHeader("Content-Location", context.Request.Path);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteRawValue(metadata.Span, skipInputValidation: true);
    }

    /// <summary>
    /// PUT /v1/queues/{q}/metadata: replaces all of the metadata; 204 with Location. 400 for a body too large, empty,
    /// malformed, not an object or setting a reserved (<c>_</c>) key; 404 when the queue does not exist.
    /// </summary>
    public async ValueTask PutMetadataAsync(ApiContext context)
    {
        var body = context.Request.Body;
        if (body.Length > _maxMetadataSize)
        {
            // v1 checks the size as any other validation: 400, where v1.1 and v2 answer 413.
            throw ApiException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"Queue metadata is too large. Max size: {_maxMetadataSize}"));
        }

        if (body.IsEmpty)
        {
            throw RequestBody.EmptyBody();
        }

        RequestBody.EnsureWellFormed(body);
        if (RequestBody.Parse(body, HasReservedKey))
        {
            throw ApiException.BadRequest("Reserved queue attributes in metadata (which names start with \"_\") can not be set in API v1.");
        }

        await _queues.EnsureExistsAsync(context).ConfigureAwait(false);
        await _engine.ReplaceQueueMetadataAsync(context.Project, context.Queue, body, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
        context.Response.AddHeader("Location", context.Request.Path);
    }

    private static bool HasReservedKey(ReadOnlyMemory<byte> body)
    {
        var reader = RequestBody.Reader(body);
        RequestBody.ReadStart(ref reader, JsonTokenType.StartObject);
        var reserved = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reserved |= reader.GetString() is ['_', ..];
            RequestBody.ReadValue(ref reader);
            reader.Skip();
        }

        return reserved;
    }
}
