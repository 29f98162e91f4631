using System.Text.Json;
using Marconi.Core.Model;

namespace Marconi.Http.Api;

/// <summary>
/// Writes messages in Zaqar's shapes (v1.1/v2: <c>format_message_v1_1</c>, v1: <c>format_message_v1</c>, without
/// <c>id</c>); bodies are copied byte for byte (validated when posted).
/// </summary>
internal static class MessageJson
{
    /// <summary><c>{"id", "href", "ttl", "age", "body"}</c> (v1: no <c>id</c>); the href carries the claim id when one is given.</summary>
    public static void Write(Utf8JsonWriter writer, ApiContext context, QueuedMessage message, string? claimId)
    {
        writer.WriteStartObject();
        if (!context.IsV1)
        {
            writer.WriteString("id"u8, message.Id);
        }

        // The href is built on the stack and transcoded straight into the output: no string per message.
        var href = new HrefBuilder(stackalloc char[256]);
        context.AppendMessageHref(ref href, message.Id, claimId);
        writer.WriteString("href"u8, href.Written);
        href.Dispose();
        writer.WriteNumber("ttl"u8, message.Ttl);
        writer.WriteNumber("age"u8, message.Age);
        writer.WritePropertyName("body"u8);
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

    /// <summary>
    /// <c>"messages": [...]</c> with <paramref name="claimId"/> in each href when given, else each message's own claim
    /// id (v1 lists hrefs without one: Zaqar's v1 passes no claim to <c>format_message_v1</c> there).
    /// </summary>
    public static void WriteArray(Utf8JsonWriter writer, ApiContext context, IReadOnlyList<QueuedMessage> messages, string? claimId = null)
    {
        writer.WritePropertyName("messages");
        WriteItems(writer, context, messages, claimId);
    }

    /// <summary>The bare array of <see cref="WriteArray"/> (v1 answers claims and gets by ids with one).</summary>
    public static void WriteItems(Utf8JsonWriter writer, ApiContext context, IReadOnlyList<QueuedMessage> messages, string? claimId = null)
    {
        writer.WriteStartArray();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            Write(writer, context, message, claimId ?? OwnClaim(context, message));
        }

        writer.WriteEndArray();
    }

    /// <summary>The claim id a message's own href carries: its claim's, except on v1.</summary>
    public static string? OwnClaim(ApiContext context, QueuedMessage message) => context.IsV1 ? null : message.ClaimId;
}
