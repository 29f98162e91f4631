using System.Globalization;
using System.Text;
using System.Text.Json;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;

namespace Marconi.Http.Api;

/// <summary>Subscriptions (v2): create, list, read, update, confirm, delete.</summary>
internal sealed class SubscriptionsEndpoint
{
    private readonly QueueEngine _engine;
    private readonly int _maxBodySize;

    public SubscriptionsEndpoint(QueueEngine engine, int maxBodySize)
    {
        _engine = engine;
        _maxBodySize = maxBodySize;
    }

    /// <summary>
    /// POST /queues/{q}/subscriptions <c>{"subscriber", "ttl", "options"}</c>: 201 <c>{"subscription_id"}</c>, also when
    /// the subscriber was already subscribed but has not confirmed; 409 when it has.
    /// </summary>
    public async ValueTask CreateAsync(ApiContext context)
    {
        var document = Parse(context);
        if (document.Subscriber is null)
        {
            throw ApiException.BadRequest("Missing parameter subscriber in body.");
        }

        SubscriptionCreation creation;
        try
        {
            creation = await _engine.CreateSubscriptionAsync(context.Project, context.Queue, document.Subscriber, document.Ttl, document.Options ?? default, context.CancellationToken).ConfigureAwait(false);
        }
        catch (QueueException error) when (error.Kind == QueueErrorKind.Conflict)
        {
            throw new ApiException(409, ErrorTitles.Conflict, error.Message) { Header = new("Location", context.Request.Path) };
        }

        context.Response.StatusCode = 201;
        context.Response.AddHeader("Location", context.Request.Path);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteString("subscription_id", creation.Subscription.Id);
        writer.WriteEndObject();
    }

    /// <summary>GET /queues/{q}/subscriptions[?marker=&amp;limit=]: a page, with a next link when it is not empty.</summary>
    public async ValueTask ListAsync(ApiContext context)
    {
        var marker = context.Query.Get("marker");
        var limit = context.Query.GetInt("limit");
        var page = await _engine.ListSubscriptionsAsync(context.Project, context.Queue, marker, limit, context.CancellationToken).ConfigureAwait(false);

        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("subscriptions");
        foreach (var subscription in page.Subscriptions)
        {
            Write(writer, subscription);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("links");
        if (page.Subscriptions.Count > 0)
        {
            var href = new StringBuilder(context.Request.Path).Append("?marker=").Append(Uri.EscapeDataString(page.NextMarker ?? string.Empty));
            if (limit is { } size)
            {
                href.Append("&limit=").Append(size.ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteStartObject();
            writer.WriteString("rel", "next");
            writer.WriteString("href", href.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>GET /queues/{q}/subscriptions/{s}: 200 with the subscription; 404 when missing or expired.</summary>
    public async ValueTask GetAsync(ApiContext context)
    {
        var subscription = await _engine.GetSubscriptionAsync(context.Project, context.Queue, context.ResourceId, context.CancellationToken).ConfigureAwait(false);
        var writer = JsonResponse.Start(context.Response);
        Write(writer, subscription);
    }

    /// <summary>PATCH /queues/{q}/subscriptions/{s} <c>{"subscriber", "ttl", "options"}</c>: 204; 404 when missing, 409 on a taken subscriber.</summary>
    public async ValueTask UpdateAsync(ApiContext context)
    {
        var document = Parse(context);
        if (document.IsEmptyObject)
        {
            throw ApiException.BadRequest("No subscription to create.");
        }

        var changes = new SubscriptionChanges(document.Subscriber, document.Ttl, document.Options);
        await _engine.UpdateSubscriptionAsync(context.Project, context.Queue, context.ResourceId, changes, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
        context.Response.AddHeader("Location", context.Request.Path);
    }

    /// <summary>PUT /queues/{q}/subscriptions/{s}/confirm <c>{"confirmed": bool}</c>: 204; 404 when missing.</summary>
    public async ValueTask ConfirmAsync(ApiContext context)
    {
        var body = BoundedBody(context);
        bool? confirmed = null;
        if (!body.IsEmpty)
        {
            RequestBody.EnsureWellFormed(body);
            confirmed = RequestBody.Parse(body, ParseConfirmed);
        }

        if (confirmed is null)
        {
            throw ApiException.BadRequest("The 'confirmed' should be boolean.");
        }

        await _engine.UpdateSubscriptionAsync(context.Project, context.Queue, context.ResourceId, new SubscriptionChanges(Confirmed: confirmed), context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
        context.Response.AddHeader("Location", context.Request.Path);
    }

    /// <summary>The <c>confirmed</c> flag of a confirm body (null unless a boolean); call through <see cref="RequestBody.Parse"/>.</summary>
    internal static bool? ParseConfirmed(ReadOnlyMemory<byte> body)
    {
        var reader = RequestBody.Reader(body);
        RequestBody.ReadStart(ref reader, JsonTokenType.StartObject);
        bool? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isConfirmed = reader.ValueTextEquals("confirmed"u8);
            RequestBody.ReadValue(ref reader);
            if (isConfirmed)
            {
                value = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => null,
                };
            }

            reader.Skip();
        }

        return value;
    }

    /// <summary>DELETE /queues/{q}/subscriptions/{s}: 204, also when it did not exist.</summary>
    public async ValueTask DeleteAsync(ApiContext context)
    {
        await _engine.DeleteSubscriptionAsync(context.Project, context.Queue, context.ResourceId, context.CancellationToken).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    private static void Write(Utf8JsonWriter writer, Subscription subscription)
    {
        writer.WriteStartObject();
        writer.WriteString("id", subscription.Id);
        writer.WriteString("source", subscription.Queue);
        writer.WriteString("subscriber", subscription.Subscriber);
        writer.WriteNumber("ttl", subscription.Ttl);
        writer.WriteNumber("age", subscription.Age);
        writer.WritePropertyName("options");
        writer.WriteRawValue(subscription.Options.Span, skipInputValidation: true);
        writer.WriteBoolean("confirmed", subscription.Confirmed);
        writer.WriteEndObject();
    }

    private ReadOnlyMemory<byte> BoundedBody(ApiContext context)
    {
        var body = context.Request.Body;
        if (body.Length > _maxBodySize)
        {
            throw new ApiException(413, ErrorTitles.TooLarge, string.Create(CultureInfo.InvariantCulture, $"Subscription request body is too large. Max size: {_maxBodySize}"));
        }

        return body;
    }

    private SubscriptionDocument Parse(ApiContext context)
    {
        var body = BoundedBody(context);
        if (body.IsEmpty)
        {
            return new SubscriptionDocument(null, null, null, IsEmptyObject: true);
        }

        RequestBody.EnsureWellFormed(body);
        return RequestBody.Parse(body, ParseDocument);
    }

    /// <summary>A subscription body (POST or PATCH); call through <see cref="RequestBody.Parse"/> after <see cref="RequestBody.EnsureWellFormed"/>.</summary>
    internal static SubscriptionDocument ParseDocument(ReadOnlyMemory<byte> body)
    {
        var reader = RequestBody.Reader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw ApiException.BadRequest("Subscriptions must be a dict.");
        }

        string? subscriber = null;
        long? ttl = null;
        ReadOnlyMemory<byte>? options = null;
        var properties = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            properties++;
            var name = reader.GetString();
            RequestBody.ReadValue(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (name)
            {
                case "subscriber":
                    subscriber = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw ApiException.BadRequest("The subscriber of a subscription must be a string.");
                    break;
                case "ttl":
                    ttl = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)
                        ? value
                        : throw ApiException.BadRequest("TTL must be an integer.");
                    break;
                case "options":
                    options = reader.TokenType == JsonTokenType.StartObject
                        ? RequestBody.RawValue(ref reader, body)
                        : throw ApiException.BadRequest("Options must be a dict.");
                    continue;
                default:
                    break;
            }

            reader.Skip();
        }

        return new SubscriptionDocument(subscriber, ttl, options, IsEmptyObject: properties == 0);
    }

    /// <summary>The fields of a subscription body; null where absent or null.</summary>
    internal readonly record struct SubscriptionDocument(string? Subscriber, long? Ttl, ReadOnlyMemory<byte>? Options, bool IsEmptyObject);
}
