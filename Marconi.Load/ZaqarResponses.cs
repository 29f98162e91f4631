using System.Text.Json;

namespace Marconi.Load;

/// <summary>
/// Reads the two Zaqar v2 response bodies the workers act on with <see cref="Utf8JsonReader"/> (no document, no
/// strings): a claim's <c>{"messages":[{"href":...},...]}</c> and a page's <c>{"messages":[...],"links":[{"rel":"next",
/// "href":...}]}</c>. Only the top-level fields count: an href inside a message body is not one. A body that is not
/// such JSON yields what was read before the fault (nothing, usually).
/// </summary>
internal static class ZaqarResponses
{
    /// <summary>Adds each claimed message's href to <paramref name="hrefs"/>; returns how many messages were listed.</summary>
    public static int ReadMessages(ReadOnlySpan<byte> body, HrefList hrefs) => Read(body, hrefs, null);

    /// <summary>
    /// Returns the page's message count; adds its <c>next</c> link, if any, to <paramref name="next"/> (with several,
    /// the last one counts).
    /// </summary>
    public static int ReadPage(ReadOnlySpan<byte> body, HrefList next) => Read(body, null, next);

    private static int Read(ReadOnlySpan<byte> body, HrefList? hrefs, HrefList? next)
    {
        var count = 0;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messages"u8))
                {
                    count += ReadMessageArray(ref reader, hrefs);
                }
                else if (next is not null && reader.ValueTextEquals("links"u8))
                {
                    ReadLinks(ref reader, next);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
        }

        return count;
    }

    private static int ReadMessageArray(ref Utf8JsonReader reader, HrefList? hrefs)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType != JsonTokenType.StartObject || hrefs is null)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("href"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    hrefs.Add(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return count;
    }

    private static void ReadLinks(ref Utf8JsonReader reader, HrefList next)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var isNext = false;
            var hasHref = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("rel"u8))
                {
                    reader.Read();
                    isNext = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("next"u8);
                    reader.Skip();
                }
                else if (!hasHref && reader.ValueTextEquals("href"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    next.Add(ref reader);
                    hasHref = true;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (hasHref && !isNext)
            {
                next.RemoveLast();
            }
        }
    }
}
