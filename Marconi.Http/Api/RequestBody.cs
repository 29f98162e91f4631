using System.Text.Json;

namespace Marconi.Http.Api;

/// <summary>Reading request bodies with <see cref="Utf8JsonReader"/>: typed fields and raw value slices.</summary>
internal static class RequestBody
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    public static Utf8JsonReader Reader(ReadOnlyMemory<byte> body) => new(body.Span, ReaderOptions);

    /// <summary>Checks the body is one well-formed JSON document; 400 otherwise.</summary>
    public static void EnsureWellFormed(ReadOnlyMemory<byte> body)
    {
        if (!Marconi.Core.Validation.JsonValues.IsSingleValue(body.Span))
        {
            throw MalformedBody();
        }
    }

    public static ApiException MalformedBody() => ApiException.BadBody("Request body could not be parsed.");

    public static ApiException EmptyBody() => ApiException.BadBody("Request body can not be empty");

    public static ApiException DocumentTypeNotSupported() => ApiException.BadBody("Document type not supported.");

    /// <summary>Reads the first token and checks it starts the expected container.</summary>
    public static void ReadStart(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (!reader.Read())
        {
            throw MalformedBody();
        }

        if (reader.TokenType != expected)
        {
            throw DocumentTypeNotSupported();
        }
    }

    /// <summary>Moves to the value of the current property.</summary>
    public static void ReadValue(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw MalformedBody();
        }
    }

    /// <summary>The raw bytes of the value the reader is on (a string keeps its quotes), skipping past it.</summary>
    public static ReadOnlyMemory<byte> RawValue(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return body[start..(int)reader.BytesConsumed];
    }

    /// <summary>The integer the reader is on; 400 naming the field when it is anything else.</summary>
    public static int Int(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
        {
            reader.Skip();
            throw ApiException.BadBody($"The value of the \"{field}\" field must be a int.");
        }

        return value;
    }

    /// <summary>Wraps reader failures as 400 malformed-body errors.</summary>
    public static T Parse<T>(ReadOnlyMemory<byte> body, Func<ReadOnlyMemory<byte>, T> parse)
    {
        try
        {
            return parse(body);
        }
        catch (JsonException)
        {
            throw MalformedBody();
        }
    }
}
