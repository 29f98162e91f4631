using System.Globalization;

namespace Marconi.Http.Api;

/// <summary>
/// The query parameters of a request, parsed as Zaqar's falcon does: percent-decoded, blank values dropped, strict
/// integers and booleans (a bad value is a 400 naming the parameter), comma-separated lists.
/// </summary>
/// <remarks>
/// Reads the raw query on each lookup instead of building a table: a request asks for a handful of parameters of a
/// short query, and this way a lookup makes no string unless it returns one (and an integer or a boolean none).
/// </remarks>
internal readonly struct QueryString
{
    private const int StackDecodeLimit = 256;
    private readonly ReadOnlyMemory<char> _query;

    private QueryString(ReadOnlyMemory<char> query) => _query = query;

    /// <summary>A view of <paramref name="query"/> (the raw query without '?'), valid as long as its characters are.</summary>
    public static QueryString Parse(ReadOnlyMemory<char> query) => new(query);

    /// <summary>A view of a query string.</summary>
    public static QueryString Parse(string? query) => new(query.AsMemory());

    /// <summary>The first value of the parameter, or null when absent or blank.</summary>
    public string? Get(string name)
    {
        foreach (var range in _query.Span.Split('&'))
        {
            if (TryValue(_query.Span[range], name, out var value))
            {
                return Decode(value);
            }
        }

        return null;
    }

    /// <summary>An integer parameter; null when absent, 400 when not an integer.</summary>
    public int? GetInt(string name)
    {
        Span<char> scratch = stackalloc char[StackDecodeLimit];
        foreach (var range in _query.Span.Split('&'))
        {
            if (!TryValue(_query.Span[range], name, out var raw))
            {
                continue;
            }

            var value = DecodeInto(raw, scratch, out var decoded) ? decoded : Decode(raw).AsSpan();
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                throw ApiException.InvalidParameter(name, "The value must be an integer.");
            }

            return number;
        }

        return null;
    }

    /// <summary>A boolean parameter (true/false, case-insensitive, and falcon's other spellings); null when absent.</summary>
    public bool? GetBool(string name)
    {
        Span<char> scratch = stackalloc char[StackDecodeLimit];
        foreach (var range in _query.Span.Split('&'))
        {
            if (!TryValue(_query.Span[range], name, out var raw))
            {
                continue;
            }

            var value = DecodeInto(raw, scratch, out var decoded) ? decoded : Decode(raw).AsSpan();
            if (IsAny(value, "TRUE", "T", "YES", "Y", "1", "ON"))
            {
                return true;
            }

            if (IsAny(value, "FALSE", "F", "NO", "N", "0", "OFF"))
            {
                return false;
            }

            throw ApiException.InvalidParameter(name, "The value of the parameter must be \"true\" or \"false\".");
        }

        return null;
    }

    /// <summary>
    /// A list parameter without blank items, from comma-separated values and from repeated occurrences
    /// (<c>ids=a,b</c> and <c>ids=a&amp;ids=b</c> mean the same, as in Zaqar); null when absent or all blank.
    /// </summary>
    public List<string>? GetList(string name)
    {
        List<string>? items = null;
        foreach (var range in _query.Span.Split('&'))
        {
            if (TryValue(_query.Span[range], name, out var value))
            {
                (items ??= []).AddRange(Decode(value).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return items is { Count: > 0 } ? items : null;
    }

    /// <summary>Whether <paramref name="part"/> ("name=value") names <paramref name="name"/> with a non-blank decoded value.</summary>
    private static bool TryValue(ReadOnlySpan<char> part, string name, out ReadOnlySpan<char> value)
    {
        value = default;
        if (part.IsEmpty)
        {
            return false;
        }

        var equals = part.IndexOf('=');
        var rawName = equals < 0 ? part : part[..equals];
        Span<char> scratch = stackalloc char[StackDecodeLimit];
        var decodedName = DecodeInto(rawName, scratch, out var decoded) ? decoded : Decode(rawName).AsSpan();
        if (!decodedName.SequenceEqual(name) || equals < 0)
        {
            return false;
        }

        value = part[(equals + 1)..];

        // A value decodes to nothing only when it is empty: every escape or '+' stands for at least one character.
        return !value.IsEmpty;
    }

    /// <summary>Decodes without allocating when there is nothing to decode or it fits <paramref name="scratch"/> as plain '+' spaces; false otherwise.</summary>
    private static bool DecodeInto(ReadOnlySpan<char> raw, Span<char> scratch, out ReadOnlySpan<char> decoded)
    {
        if (raw.IndexOfAny('%', '+') < 0)
        {
            decoded = raw;
            return true;
        }

        if (raw.IndexOf('%') < 0 && raw.Length <= scratch.Length)
        {
            raw.Replace(scratch, '+', ' ');
            decoded = scratch[..raw.Length];
            return true;
        }

        decoded = default;
        return false;
    }

    private static string Decode(ReadOnlySpan<char> raw) => Uri.UnescapeDataString(raw.ToString().Replace('+', ' '));

    private static bool IsAny(ReadOnlySpan<char> value, string a, string b, string c, string d, string e, string f) =>
        value.Equals(a, StringComparison.OrdinalIgnoreCase) || value.Equals(b, StringComparison.OrdinalIgnoreCase)
        || value.Equals(c, StringComparison.OrdinalIgnoreCase) || value.Equals(d, StringComparison.OrdinalIgnoreCase)
        || value.Equals(e, StringComparison.OrdinalIgnoreCase) || value.Equals(f, StringComparison.OrdinalIgnoreCase);
}
