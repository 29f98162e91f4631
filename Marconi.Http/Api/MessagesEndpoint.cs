using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Model;

namespace Marconi.Http.Api;

/// <summary>Messages: post, list, get by ids, delete by ids or pop, get and delete one.</summary>
internal sealed class MessagesEndpoint
{
    private readonly QueueEngine _engine;
    private readonly ZaqarApiOptions _options;
    private readonly int _maxPostSize;

    public MessagesEndpoint(QueueEngine engine, ZaqarApiOptions options, int maxPostSize)
    {
        _engine = engine;
        _options = options;
        _maxPostSize = maxPostSize;
    }

    /// <summary>POST /queues/{q}/messages: 201 with the new hrefs and a Location naming them all.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PostAsync(ApiContext context)
    {
        var body = context.Request.Body;
        if (body.Length > _maxPostSize)
        {
            throw new ApiException(413, ErrorTitles.TooLarge, string.Create(CultureInfo.InvariantCulture, $"Message collection size is too large. Max size {_maxPostSize}"));
        }

        if (body.IsEmpty)
        {
            throw RequestBody.EmptyBody();
        }

        RequestBody.EnsureWellFormed(body);
        // Static parsers, not a lambda capturing the version: a capture would allocate a closure per post.
        var messages = context.IsV2 ? RequestBody.Parse(body, ParseMessagesWithDelay) : RequestBody.Parse(body, ParseMessagesWithoutDelay);
        if (messages.Count == 0)
        {
            throw ApiException.BadRequest("No messages to enqueu.");
        }

        var ids = await _engine.PostMessagesAsync(context.Project, context.Queue, messages, context.ClientId, _options.PostDurability, context.CancellationToken).ConfigureAwait(false);
        WritePosted(context, ids);
    }

    /// <summary>
    /// 201 for posted messages: a Location naming them all and <c>{"resources": [hrefs]}</c>; v1 adds
    /// <c>"partial": false</c> (posts are all or nothing, so Zaqar's v1 always answers false).
    /// </summary>
    public static void WritePosted(ApiContext context, IReadOnlyList<string> ids)
    {
        context.Response.StatusCode = 201;
        var location = new HrefBuilder(stackalloc char[256]);
        context.AppendQueuePath(ref location);
        location.Append("/messages?ids=");
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0)
            {
                location.Append(',');
            }

            location.Append(ids[i]);
        }

        context.Response.AddHeader("Location", location.ToString());
        location.Dispose();
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("resources"u8);
        Span<char> buffer = stackalloc char[256];
        foreach (var id in ids)
        {
            var href = new HrefBuilder(buffer);
            context.AppendMessageHref(ref href, id, claimId: null);
            writer.WriteStringValue(href.Written);
            href.Dispose();
        }

        writer.WriteEndArray();
        if (context.IsV1)
        {
            writer.WriteBoolean("partial", false);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// GET /queues/{q}/messages: by <c>ids</c> (404 when none exist; v1 answers 204 and a bare array) or a page with a
    /// next link (v1 answers an empty page with 204).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask GetAsync(ApiContext context)
    {
        var ids = context.Query.GetList("ids");
        if (context.IsV1)
        {
            context.Response.AddHeader("Content-Location", context.RelativeUri);
        }

        if (ids is not null)
        {
            await GetByIdsAsync(context, ids).ConfigureAwait(false);
            return;
        }

        var query = context.Query;
        var marker = query.Get("marker");
        var limit = query.GetInt("limit");
        var echo = query.GetBool("echo");
        var includeClaimed = query.GetBool("include_claimed");
        var includeDelayed = context.IsV2 ? query.GetBool("include_delayed") : null;
        var page = await _engine.ListMessagesAsync(
            context.Project,
            context.Queue,
            context.ClientId,
            new MessageListOptions
            {
                Marker = marker,
                Limit = limit,
                Echo = echo == true,
                IncludeClaimed = includeClaimed == true,
                IncludeDelayed = includeDelayed == true,
            },
            context.CancellationToken).ConfigureAwait(false);
        if (context.IsV1 && page.Messages.Count == 0)
        {
            context.Response.StatusCode = 204;
            return;
        }

        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        MessageJson.WriteArray(writer, context, page.Messages);
        writer.WriteStartArray("links"u8);
        if (page.Messages.Count > 0)
        {
            var href = new HrefBuilder(stackalloc char[512]);
            context.AppendQueuePath(ref href);
            href.Append("/messages?marker=");
            href.AppendEscaped(page.NextMarker ?? page.Messages[^1].Id);
            if (limit is { } pageLimit)
            {
                href.Append("&limit=");
                href.Append(pageLimit);
            }

            AppendParameter(ref href, "echo", echo);
            AppendParameter(ref href, "include_claimed", includeClaimed);
            AppendParameter(ref href, "include_delayed", includeDelayed);
            writer.WriteStartObject();
            writer.WriteString("rel"u8, "next"u8);
            writer.WriteString("href"u8, href.Written);
            writer.WriteEndObject();
            href.Dispose();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>DELETE /queues/{q}/messages: <c>ids</c> → 204, or <c>pop</c> → 200 with the popped messages (not both).</summary>
    public async ValueTask DeleteAsync(ApiContext context)
    {
        var ids = context.Query.GetList("ids");
        var pop = context.Query.GetInt("pop");
        if (ids is not null && pop is not null)
        {
            throw ApiException.BadRequest("pop and id params cannot be present together in the delete request.");
        }

        if (ids is null && pop is null)
        {
            throw ApiException.BadRequest("The request should have either \"ids\" or \"pop\" parameter in the request, to be able to delete.");
        }

        if (ids is not null)
        {
            await _engine.DeleteMessagesAsync(context.Project, context.Queue, ids, context.CancellationToken).ConfigureAwait(false);
            context.Response.StatusCode = 204;
            return;
        }

        var popped = await _engine.PopMessagesAsync(context.Project, context.Queue, pop!.Value, context.CancellationToken).ConfigureAwait(false);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("messages");
        foreach (var message in popped)
        {
            MessageJson.WritePopped(writer, message);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>GET /queues/{q}/messages/{id}: 200 with the message, 404 when it does not exist.</summary>
    public async ValueTask GetOneAsync(ApiContext context)
    {
        var message = await _engine.GetMessageAsync(context.Project, context.Queue, context.ResourceId, context.CancellationToken).ConfigureAwait(false);
        if (context.IsV1)
        {
            context.Response.AddHeader("Content-Location", context.RelativeUri);
        }

        var writer = JsonResponse.Start(context.Response);
        MessageJson.Write(writer, context, message, MessageJson.OwnClaim(context, message));
    }

    /// <summary>DELETE /queues/{q}/messages/{id}[?claim_id=]: 204; 403 claimed without claim id, 400 wrong claim id.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DeleteOneAsync(ApiContext context)
    {
        await _engine.DeleteMessageAsync(context.Project, context.Queue, context.ResourceId, context.Query.Get("claim_id"), context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    private async ValueTask GetByIdsAsync(ApiContext context, List<string> ids)
    {
        var messages = await _engine.GetMessagesAsync(context.Project, context.Queue, ids, context.CancellationToken).ConfigureAwait(false);
        if (context.IsV1)
        {
            // Zaqar's v1 answers no match with 204 and the matches as a bare array.
            if (messages.Count == 0)
            {
                context.Response.StatusCode = 204;
                return;
            }

            var items = JsonResponse.Start(context.Response);
            MessageJson.WriteItems(items, context, messages);
            return;
        }

        if (messages.Count == 0)
        {
            throw new ApiException(
                404,
                ErrorTitles.NotFound,
                $"No messages with IDs: {string.Join(',', ids)} found in the queue {context.Queue} for project {context.Project}.");
        }

        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        MessageJson.WriteArray(writer, context, messages);
        writer.WriteEndObject();
    }

    private static List<NewMessage> ParseMessagesWithDelay(ReadOnlyMemory<byte> body) => ParseMessages(body, withDelay: true);

    private static List<NewMessage> ParseMessagesWithoutDelay(ReadOnlyMemory<byte> body) => ParseMessages(body, withDelay: false);

    /// <summary>The messages of a post body <c>{"messages": [...]}</c>; call through <see cref="RequestBody.Parse"/> after <see cref="RequestBody.EnsureWellFormed"/>.</summary>
    internal static List<NewMessage> ParseMessages(ReadOnlyMemory<byte> body, bool withDelay)
    {
        var reader = RequestBody.Reader(body);
        RequestBody.ReadStart(ref reader, JsonTokenType.StartObject);
        List<NewMessage>? messages = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMessages = reader.ValueTextEquals("messages"u8);
            RequestBody.ReadValue(ref reader);
            if (!isMessages)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw RequestBody.DocumentTypeNotSupported();
            }

            messages = [];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                messages.Add(ParseMessage(ref reader, body, withDelay, requireTtl: false));
            }
        }

        return messages ?? throw ApiException.BadRequest("No messages were found in the request body.");
    }

    /// <summary>One message object of a post (the reader on its start): <c>body</c>, <c>ttl</c> (v1 requires it), <c>delay</c> when asked.</summary>
    public static NewMessage ParseMessage(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, bool withDelay, bool requireTtl)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw RequestBody.DocumentTypeNotSupported();
        }

        ReadOnlyMemory<byte>? messageBody = null;
        int? ttl = null;
        int? delay = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("body"u8))
            {
                RequestBody.ReadValue(ref reader);
                messageBody = RequestBody.RawValue(ref reader, body);
            }
            else if (reader.ValueTextEquals("ttl"u8))
            {
                RequestBody.ReadValue(ref reader);
                ttl = RequestBody.Int(ref reader, "ttl");
            }
            else if (withDelay && reader.ValueTextEquals("delay"u8))
            {
                RequestBody.ReadValue(ref reader);
                delay = RequestBody.Int(ref reader, "delay");
            }
            else
            {
                RequestBody.ReadValue(ref reader);
                reader.Skip();
            }
        }

        // Zaqar checks its post spec in order: ttl, then body.
        if (requireTtl && ttl is null)
        {
            throw ApiException.BadBody("Missing \"ttl\" field.");
        }

        if (messageBody is null)
        {
            throw ApiException.BadBody("Missing \"body\" field.");
        }

        return new NewMessage(messageBody.Value, ttl, delay);
    }

    private static void AppendParameter(ref HrefBuilder href, string name, bool? value)
    {
        if (value is { } flag)
        {
            href.Append('&');
            href.Append(name);
            href.Append(flag ? "=true" : "=false");
        }
    }
}
