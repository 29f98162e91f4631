using System.Text.Json;
using Marconi.Core.Errors;

namespace Marconi.Core.Validation;

/// <summary>Checks on raw JSON the engine stores without re-encoding.</summary>
public static class JsonValues
{
    /// <summary>True when <paramref name="utf8"/> is valid UTF-8 holding exactly one complete JSON value and nothing else but white space.</summary>
    public static bool IsSingleValue(ReadOnlySpan<byte> utf8)
    {
        // Utf8JsonReader does not check the bytes inside strings: invalid UTF-8 there surfaced later, as an
        // InvalidOperationException (a 500) from GetString on a property name or a metadata value. JSON text is UTF-8
        // (RFC 8259 section 8.1), so such a body is malformed.
        if (utf8.IsEmpty || !System.Text.Unicode.Utf8.IsValid(utf8))
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

            // Skip() would not look inside strings; the escapes must pair their surrogates, or every later GetString
            // (and writing the stored document back out) throws InvalidOperationException.
            // The reader refuses a second value or trailing bytes (AllowMultipleValues is off), so reading to the end
            // checks there is exactly one value.
            do
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !HasPairedSurrogates(reader.ValueSpan))
                {
                    return false;
                }
            }
            while (reader.Read());

            return reader.BytesConsumed == utf8.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when every <c>\uXXXX</c> escape in a raw string value that names a UTF-16 surrogate is half of a pair
    /// (a high one followed at once by an escaped low one).
    /// </summary>
    private static bool HasPairedSurrogates(ReadOnlySpan<byte> raw)
    {
        var expectLow = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (expectLow)
                {
                    return false;
                }

                continue;
            }

            // The reader has checked the escapes are well-formed: a \u is followed by 4 hex digits.
            if (raw[++i] != (byte)'u')
            {
                if (expectLow)
                {
                    return false;
                }

                continue;
            }

            var unit = (Hex(raw[i + 1]) << 12) | (Hex(raw[i + 2]) << 8) | (Hex(raw[i + 3]) << 4) | Hex(raw[i + 4]);
            i += 4;
            var isHigh = unit is >= 0xD800 and <= 0xDBFF;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (isLow != expectLow)
            {
                return false;
            }

            expectLow = isHigh;
        }

        return !expectLow;
    }

    private static int Hex(byte digit) => digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10;

    /// <summary>Throws invalid-argument naming <paramref name="field"/> unless the bytes are one JSON value.</summary>
    public static void ValidateSingleValue(ReadOnlySpan<byte> utf8, string field)
    {
        if (!IsSingleValue(utf8))
        {
            ThrowHelper.InvalidArgument(field, $"The '{field}' must be one well-formed JSON value.");
        }
    }
}
