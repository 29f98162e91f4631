using System.Text.Json;
using Marconi.Core.Errors;

namespace Marconi.Core.Validation;

/// <summary>Checks on raw JSON the engine stores without re-encoding.</summary>
public static class JsonValues
{
    /// <summary>True when <paramref name="utf8"/> holds exactly one complete JSON value and nothing else but white space.</summary>
    public static bool IsSingleValue(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read() && reader.BytesConsumed == utf8.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Throws invalid-argument naming <paramref name="field"/> unless the bytes are one JSON value.</summary>
    public static void ValidateSingleValue(ReadOnlySpan<byte> utf8, string field)
    {
        if (!IsSingleValue(utf8))
        {
            ThrowHelper.InvalidArgument(field, $"The '{field}' must be one well-formed JSON value.");
        }
    }
}
