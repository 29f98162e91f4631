using System.Text.Json;
using Marconi.Core.Model;

namespace Marconi.Http.Api;

/// <summary>Writes messages in Zaqar's v1.1/v2 shape; bodies are copied byte for byte (validated when posted).</summary>
internal static class MessageJson
{
    /// <summary><c>{"id", "href", "ttl", "age", "body"}</c>; the href carries the claim id when one is given.</summary>
    public static void Write(Utf8JsonWriter writer, ApiContext context, QueuedMessage message, string? claimId)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        writer.WriteString("href", context.MessageHref(message.Id, claimId));
        writer.WriteNumber("ttl", message.Ttl);
        writer.WriteNumber("age", message.Age);
        writer.WritePropertyName("body");
        writer.WriteRawValue(message.Body.Span, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>A popped message as Zaqar's storage returns it: <c>{"id", "age", "ttl", "claim_count", "body", "claim_id": null}</c>.</summary>
    public static void WritePopped(Utf8JsonWriter writer, QueuedMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        writer.WriteNumber("age", message.Age);
        writer.WriteNumber("ttl", message.Ttl);
        writer.WriteNumber("claim_count", message.ClaimCount);
        writer.WritePropertyName("body");
        writer.WriteRawValue(message.Body.Span, skipInputValidation: true);
        writer.WriteNull("claim_id");
        writer.WriteEndObject();
    }

    /// <summary><c>"messages": [...]</c> with each message's own claim id in its href, or <paramref name="claimId"/> when given.</summary>
    public static void WriteArray(Utf8JsonWriter writer, ApiContext context, IReadOnlyList<QueuedMessage> messages, string? claimId = null)
    {
        writer.WriteStartArray("messages");
        foreach (var message in messages)
        {
            Write(writer, context, message, claimId ?? message.ClaimId);
        }

        writer.WriteEndArray();
    }
}
