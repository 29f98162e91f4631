using System.Buffers;
using System.Text.Json;
using Marconi.Core.Errors;
using Marconi.Core.Model;

namespace Marconi.Core.Validation;

/// <summary>Parses, validates, patches and renders queue metadata documents.</summary>
/// <remarks>Not on the message hot path: metadata changes are rare, so clarity wins over allocation here.</remarks>
public static class MetadataDocument
{
    private const string Field = "metadata";

    /// <summary>Reserved key: most bytes of message bodies in one post.</summary>
    public const string MaxMessagesPostSizeKey = "_max_messages_post_size";

    /// <summary>Reserved key: default message ttl.</summary>
    public const string DefaultMessageTtlKey = "_default_message_ttl";

    /// <summary>Reserved key: default message delay.</summary>
    public const string DefaultMessageDelayKey = "_default_message_delay";

    /// <summary>Reserved key: claims before dead-lettering.</summary>
    public const string MaxClaimCountKey = "_max_claim_count";

    /// <summary>Reserved key: the dead-letter queue's name.</summary>
    public const string DeadLetterQueueKey = "_dead_letter_queue";

    /// <summary>Reserved key: ttl of dead-lettered messages.</summary>
    public const string DeadLetterQueueMessagesTtlKey = "_dead_letter_queue_messages_ttl";

    /// <summary>Zaqar's switch for encrypting message bodies at rest: rendered (false by default) and stored, not acted on.</summary>
    public const string EnableEncryptMessagesKey = "_enable_encrypt_messages";

    private static readonly string[] RenderedReservedKeys =
    [
        MaxMessagesPostSizeKey, DefaultMessageTtlKey, DefaultMessageDelayKey, DeadLetterQueueKey, DeadLetterQueueMessagesTtlKey, MaxClaimCountKey,
        EnableEncryptMessagesKey,
    ];

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Validates a metadata document (a JSON object within the size limit, sane reserved keys) and parses its settings.</summary>
    public static QueueMetadata Parse(ReadOnlyMemory<byte> json, QueueLimits limits)
    {
        if (json.Length > limits.MaxQueueMetadataSize)
        {
            ThrowHelper.LimitExceeded(Field, limits.MaxQueueMetadataSize, $"Queue metadata may not exceed {limits.MaxQueueMetadataSize} bytes; got {json.Length}.");
        }

        using var document = ParseObject(json);
        var settings = ReadSettings(document.RootElement, limits);
        return new QueueMetadata(json.ToArray(), settings);
    }

    /// <summary>
    /// Renders the metadata as a client sees it: the stored keys, with the reserved keys filled in with their effective
    /// values where the queue does not set them (Zaqar's GET shape).
    /// </summary>
    public static byte[] RenderEffective(QueueMetadata? metadata, QueueLimits limits)
    {
        using var document = ParseObject(metadata?.Json ?? QueueMetadata.Empty.Json);
        var root = document.RootElement;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                // A reserved key stored as null is rendered with its effective value below.
                if (property.Value.ValueKind == JsonValueKind.Null && Array.IndexOf(RenderedReservedKeys, property.Name) >= 0)
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            WriteDefault(writer, root, MaxMessagesPostSizeKey, limits.MaxMessagesPostSize);
            WriteDefault(writer, root, DefaultMessageTtlKey, limits.DefaultMessageTtl);
            WriteDefault(writer, root, DefaultMessageDelayKey, 0);
            WriteDefault(writer, root, DeadLetterQueueKey, null);
            WriteDefault(writer, root, DeadLetterQueueMessagesTtlKey, null);
            WriteDefault(writer, root, MaxClaimCountKey, null);
            if (!root.TryGetProperty(EnableEncryptMessagesKey, out var encrypt) || encrypt.ValueKind == JsonValueKind.Null)
            {
                writer.WriteBoolean(EnableEncryptMessagesKey, false);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Applies a patch to stored metadata; replace and remove of a missing key are conflicts.</summary>
    public static QueueMetadata Patch(QueueMetadata current, IReadOnlyList<MetadataPatchOperation> operations, QueueLimits limits)
    {
        using var document = ParseObject(current.Json);
        var members = new List<KeyValuePair<string, byte[]>>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            members.Add(new(property.Name, System.Text.Encoding.UTF8.GetBytes(property.Value.GetRawText())));
        }

        foreach (var operation in operations)
        {
            if (string.IsNullOrEmpty(operation.Key))
            {
                ThrowHelper.InvalidArgument("path", "A patch path must name a metadata key: /metadata/{key}.");
            }

            var index = members.FindIndex(m => m.Key == operation.Key);
            switch (operation.Op)
            {
                case MetadataPatchOp.Add:
                case MetadataPatchOp.Replace:
                    if (operation.Op == MetadataPatchOp.Replace && index < 0)
                    {
                        ThrowHelper.Conflict("path", $"Can't replace '{operation.Key}': the queue's metadata has no such key.");
                    }

                    JsonValues.ValidateSingleValue(operation.Value.Span, "value");
                    var value = operation.Value.ToArray();
                    if (index < 0)
                    {
                        members.Add(new(operation.Key, value));
                    }
                    else
                    {
                        members[index] = new(operation.Key, value);
                    }

                    break;
                case MetadataPatchOp.Remove:
                    // Reserved keys are always shown with their effective values, so clients that diff what they read
                    // against what they want remove ones never stored; like Zaqar, that is not a conflict.
                    if (index < 0 && Array.IndexOf(RenderedReservedKeys, operation.Key) >= 0)
                    {
                        break;
                    }

                    if (index < 0)
                    {
                        ThrowHelper.Conflict("path", $"Can't remove '{operation.Key}': the queue's metadata has no such key.");
                    }

                    members.RemoveAt(index);
                    break;
                default:
                    ThrowHelper.InvalidArgument("op", "A patch op must be add, replace or remove.");
                    break;
            }
        }

        var buffer = new ArrayBufferWriter<byte>(current.Json.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in members)
            {
                writer.WritePropertyName(member.Key);
                writer.WriteRawValue(member.Value, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return Parse(buffer.WrittenMemory.ToArray(), limits);
    }

    private static JsonDocument ParseObject(ReadOnlyMemory<byte> json)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException)
        {
            ThrowHelper.InvalidArgument(Field, "Queue metadata must be a well-formed JSON object.");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            ThrowHelper.InvalidArgument(Field, "Queue metadata must be a JSON object.");
        }

        return document;
    }

    private static QueueSettings ReadSettings(JsonElement root, QueueLimits limits) => new()
    {
        MaxMessagesPostSize = ReadInt(root, MaxMessagesPostSizeKey, 1, limits.MaxMessagesPostSize),
        DefaultMessageTtl = ReadInt(root, DefaultMessageTtlKey, limits.MinMessageTtl, limits.MaxMessageTtl),
        DefaultMessageDelay = ReadInt(root, DefaultMessageDelayKey, 0, limits.MaxMessageDelay),
        MaxClaimCount = ReadInt(root, MaxClaimCountKey, 1, int.MaxValue),
        DeadLetterQueue = ReadQueueName(root, DeadLetterQueueKey, limits),
        DeadLetterQueueMessagesTtl = ReadInt(root, DeadLetterQueueMessagesTtlKey, limits.MinMessageTtl, limits.MaxMessageTtl),
    };

    private static int? ReadInt(JsonElement root, string key, int min, int max)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        long number = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out number))
        {
            ThrowHelper.InvalidArgument(key, $"The metadata key '{key}' must be an integer.");
        }

        if (number < min || number > max)
        {
            ThrowHelper.OutOfRange(key, number, min, max);
        }

        return (int)number;
    }

    private static string? ReadQueueName(JsonElement root, string key, QueueLimits limits)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            ThrowHelper.InvalidArgument(key, $"The metadata key '{key}' must be a queue name.");
        }

        var name = value.GetString();
        Names.ValidateQueueName(name, limits, key);
        return name;
    }

    private static void WriteDefault(Utf8JsonWriter writer, JsonElement root, string key, int? value)
    {
        if (root.TryGetProperty(key, out var existing) && existing.ValueKind != JsonValueKind.Null)
        {
            return;
        }

        if (value is int number)
        {
            writer.WriteNumber(key, number);
        }
        else
        {
            writer.WriteNull(key);
        }
    }
}
