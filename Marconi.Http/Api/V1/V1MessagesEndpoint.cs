using System.Globalization;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Model;

namespace Marconi.Http.Api.V1;

/// <summary>The v1 message requests that differ from v1.1/v2 in more than shape: posting and deleting by ids.</summary>
internal sealed class V1MessagesEndpoint
{
    private readonly QueueEngine _engine;
    private readonly QueuesEndpoint _queues;
    private readonly ZaqarApiOptions _options;
    private readonly int _maxPostSize;

    public V1MessagesEndpoint(QueueEngine engine, QueuesEndpoint queues, ZaqarApiOptions options, int maxPostSize)
    {
        _engine = engine;
        _queues = queues;
        _options = options;
        _maxPostSize = maxPostSize;
    }

    /// <summary>
    /// POST /v1/queues/{q}/messages with a bare array of <c>{"ttl", "body"}</c> (both required): 201
    /// <c>{"partial": false, "resources"}</c>. 400 for a body too large or malformed and for a bad ttl; 404 when the
    /// queue does not exist (v1 queues are created explicitly, never by a post).
    /// </summary>
    public async ValueTask PostAsync(ApiContext context)
    {
        var clientId = context.ClientId;
        var body = context.Request.Body;
        if (body.Length > _maxPostSize)
        {
            throw ApiException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"Message collection size is too large. Max size {_maxPostSize}"));
        }

        if (body.IsEmpty)
        {
            throw RequestBody.EmptyBody();
        }

        RequestBody.EnsureWellFormed(body);
        var messages = RequestBody.Parse(body, ParseArray);
        if (messages.Count == 0)
        {
            throw ApiException.BadRequest("No messages to enqueu.");
        }

        // Zaqar validates every message before it looks for the queue, so a bad ttl is a 400 even on a missing queue.
        var limits = _engine.Limits;
        if (messages.Any(m => m.Ttl < limits.MinMessageTtl || m.Ttl > limits.MaxMessageTtl))
        {
            throw ApiException.BadRequest(string.Create(
                CultureInfo.InvariantCulture,
                $"The TTL for a message may not exceed {limits.MaxMessageTtl} seconds, and must be at least {limits.MinMessageTtl} seconds long."));
        }

        await _queues.EnsureExistsAsync(context).ConfigureAwait(false);
        var ids = await _engine.PostMessagesAsync(context.Project, context.Queue, messages, clientId, _options.PostDurability, context.CancellationToken).ConfigureAwait(false);
        MessagesEndpoint.WritePosted(context, ids);
    }

    /// <summary>DELETE /v1/queues/{q}/messages?ids=: 204; <c>ids</c> is required (v1 has no pop).</summary>
    public async ValueTask DeleteAsync(ApiContext context)
    {
        var ids = context.Query.GetList("ids") ?? throw new ApiException(400, "Missing parameter", "The \"ids\" parameter is required.");
        await _engine.DeleteMessagesAsync(context.Project, context.Queue, ids, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    private static List<NewMessage> ParseArray(ReadOnlyMemory<byte> body)
    {
        var reader = RequestBody.Reader(body);
        RequestBody.ReadStart(ref reader, JsonTokenType.StartArray);
        var messages = new List<NewMessage>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            messages.Add(MessagesEndpoint.ParseMessage(ref reader, body, withDelay: false, requireTtl: true));
        }

        return messages;
    }
}
