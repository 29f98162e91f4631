using System.Buffers;
using System.Text.Json;

namespace Marconi.Client;

/// <summary>Writes request bodies with <see cref="Utf8JsonWriter"/>.</summary>
internal static class JsonBody
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Object(IReadOnlyDictionary<string, JsonElement> values) => Write(writer =>
    {
        writer.WriteStartObject();
        foreach (var (key, value) in values)
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    });
}
