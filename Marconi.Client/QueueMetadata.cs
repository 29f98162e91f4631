using System.Text.Json;

namespace Marconi.Client;

/// <summary>A queue's metadata: any JSON object, with typed access to the reserved keys the server acts on.</summary>
public sealed class QueueMetadata
{
    private readonly Dictionary<string, JsonElement> _values;

    /// <summary>Metadata holding <paramref name="values"/>.</summary>
    public QueueMetadata(IReadOnlyDictionary<string, JsonElement> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, JsonElement>(values, StringComparer.Ordinal);
    }

    /// <summary>Every key and value.</summary>
    public IReadOnlyDictionary<string, JsonElement> Values => _values;

    /// <summary><c>_default_message_ttl</c>: seconds a message lives when posted without a ttl.</summary>
    public int? DefaultMessageTtl => Int("_default_message_ttl");

    /// <summary><c>_default_message_delay</c>: seconds a message waits when posted without a delay.</summary>
    public int? DefaultMessageDelay => Int("_default_message_delay");

    /// <summary><c>_max_messages_post_size</c>: the largest post in bytes.</summary>
    public int? MaxMessagesPostSize => Int("_max_messages_post_size");

    /// <summary><c>_max_claim_count</c>: claims before a message moves to the dead-letter queue.</summary>
    public int? MaxClaimCount => Int("_max_claim_count");

    /// <summary><c>_dead_letter_queue</c>: where messages claimed too often go.</summary>
    public string? DeadLetterQueue =>
        _values.TryGetValue("_dead_letter_queue", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static QueueMetadata Read(JsonElement element)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            values[property.Name] = property.Value.Clone();
        }

        return new QueueMetadata(values);
    }

    private int? Int(string key) =>
        _values.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
