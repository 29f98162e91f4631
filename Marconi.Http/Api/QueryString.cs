using System.Globalization;

namespace Marconi.Http.Api;

/// <summary>
/// The query parameters of a request, parsed as Zaqar's falcon does: percent-decoded, blank values dropped, strict
/// integers and booleans (a bad value is a 400 naming the parameter), comma-separated lists.
/// </summary>
internal sealed class QueryString
{
    private static readonly QueryString EmptyQuery = new([]);
    private readonly List<KeyValuePair<string, string>> _pairs;

    private QueryString(List<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    public static QueryString Parse(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return EmptyQuery;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? part : part[..equals]);
            var value = equals < 0 ? string.Empty : Decode(part[(equals + 1)..]);
            if (name.Length > 0 && value.Length > 0)
            {
                pairs.Add(new(name, value));
            }
        }

        return new QueryString(pairs);
    }

    /// <summary>The first value of the parameter, or null when absent or blank.</summary>
    public string? Get(string name)
    {
        foreach (var pair in _pairs)
        {
            if (string.Equals(pair.Key, name, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>An integer parameter; null when absent, 400 when not an integer.</summary>
    public int? GetInt(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw ApiException.InvalidParameter(name, "The value must be an integer.");
        }

        return number;
    }

    /// <summary>A boolean parameter (true/false, case-insensitive, and falcon's other spellings); null when absent.</summary>
    public bool? GetBool(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        switch (value.ToUpperInvariant())
        {
            case "TRUE" or "T" or "YES" or "Y" or "1" or "ON":
                return true;
            case "FALSE" or "F" or "NO" or "N" or "0" or "OFF":
                return false;
            default:
                throw ApiException.InvalidParameter(name, "The value of the parameter must be \"true\" or \"false\".");
        }
    }

    /// <summary>
    /// A list parameter without blank items, from comma-separated values and from repeated occurrences
    /// (<c>ids=a,b</c> and <c>ids=a&amp;ids=b</c> mean the same, as in Zaqar); null when absent or all blank.
    /// </summary>
    public List<string>? GetList(string name)
    {
        List<string>? items = null;
        foreach (var pair in _pairs)
        {
            if (string.Equals(pair.Key, name, StringComparison.Ordinal))
            {
                (items ??= []).AddRange(pair.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return items is { Count: > 0 } ? items : null;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
