using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Marconi.Client;

namespace Marconi.Cli.Commands;

/// <summary>JSON in and out: parses what the user typed, writes the client's models back as compact JSON.</summary>
internal static class JsonText
{
    /// <summary>Writes with a <see cref="Utf8JsonWriter"/> and returns the text.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The JSON value <paramref name="text"/>; <see cref="UsageException"/> naming <paramref name="what"/> when it is not JSON.</summary>
    public static JsonElement Parse(string text, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UsageException($"{what} is not JSON ({e.Message}): {text}");
        }
    }

    /// <summary>The JSON object <paramref name="text"/> as key/value pairs; <see cref="UsageException"/> when it is not one.</summary>
    public static Dictionary<string, JsonElement> ParseObject(string text, string what)
    {
        var value = Parse(text, what);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"{what} must be a JSON object: {text}");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            values[property.Name] = property.Value.Clone();
        }

        return values;
    }

    /// <summary>A metadata value as typed: JSON when it parses (<c>120</c>, <c>true</c>, <c>"x"</c>), else the text as a string.</summary>
    public static JsonElement ValueOrString(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            using var document = JsonDocument.Parse(JsonSerializer.Serialize(text));
            return document.RootElement.Clone();
        }
    }

    /// <summary>A message with its claim id when it came from a claim.</summary>
    public static void Message(Utf8JsonWriter writer, Message message)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        if (message.Href.Length > 0)
        {
            writer.WriteString("href", message.Href);
        }

        writer.WriteNumber("ttl", message.Ttl);
        writer.WriteNumber("age", message.Age);
        writer.WritePropertyName("body");
        message.Body.WriteTo(writer);
        if (message.ClaimId is { } claim)
        {
            writer.WriteString("claim_id", claim);
        }

        writer.WriteEndObject();
    }

    /// <summary><c>{"messages": [...]}</c>, with <c>"next"</c> when there is a next page.</summary>
    public static string Messages(IReadOnlyList<Message> messages, string? next = null) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("messages");
        foreach (var message in messages)
        {
            Message(writer, message);
        }

        writer.WriteEndArray();
        if (next is not null)
        {
            writer.WriteString("next", next);
        }

        writer.WriteEndObject();
    });

    /// <summary>A claim: its id, ttl, age and messages.</summary>
    public static string Claim(Claim claim) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("claim_id", claim.Id);
        writer.WriteNumber("ttl", claim.Ttl);
        writer.WriteNumber("age", claim.Age);
        writer.WriteStartArray("messages");
        foreach (var message in claim.Messages)
        {
            Message(writer, message);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>Metadata as the server answered it.</summary>
    public static string Metadata(QueueMetadata metadata) => Write(writer => Object(writer, metadata.Values));

    /// <summary>A subscription as the server answers it.</summary>
    public static void Subscription(Utf8JsonWriter writer, Subscription subscription)
    {
        writer.WriteStartObject();
        writer.WriteString("id", subscription.Id);
        writer.WriteString("source", subscription.Source);
        writer.WriteString("subscriber", subscription.Subscriber);
        writer.WriteNumber("ttl", subscription.Ttl);
        writer.WriteNumber("age", subscription.Age);
        writer.WritePropertyName("options");
        if (subscription.Options.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            subscription.Options.WriteTo(writer);
        }

        writer.WriteBoolean("confirmed", subscription.Confirmed);
        writer.WriteEndObject();
    }

    /// <summary>A queue's counts, in the server's shape: <c>{"messages": {"free", "claimed", "total", "oldest"?, "newest"?}}</c>.</summary>
    public static string Stats(QueueStats stats) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("messages");
        writer.WriteNumber("free", stats.Free);
        writer.WriteNumber("claimed", stats.Claimed);
        writer.WriteNumber("total", stats.Total);
        AgeInfo(writer, "oldest", stats.Oldest);
        AgeInfo(writer, "newest", stats.Newest);
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    /// <summary>A one-field object, such as <c>{"deleted": "q"}</c>.</summary>
    public static string Field(string name, string value) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString(name, value);
        writer.WriteEndObject();
    });

    /// <summary>An integer as JSON text.</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="values"/> as an object.</summary>
    public static void Object(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement> values)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in values)
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void AgeInfo(Utf8JsonWriter writer, string name, MessageAgeInfo? info)
    {
        if (info is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        writer.WriteString("href", info.Href);
        writer.WriteNumber("age", info.Age);
        writer.WriteString("created", info.Created);
        writer.WriteEndObject();
    }
}
