using System.Text;

namespace Marconi.Server;

/// <summary>
/// The text of a store URI as operators write it. Besides the standard form (<c>redis://[user:password@]HOST:PORT[?option=value&amp;...]</c>,
/// Zaqar's shape for pool URIs) the server accepts StackExchange.Redis's comma list after the address
/// (<c>redis://HOST:PORT,password=...,ssl=true</c>), which <see cref="Normalize"/> turns into the query form so
/// <see cref="Uri"/> can parse it. <see cref="Mask"/> hides every password for printing.
/// </summary>
internal static class StoreUriText
{
    /// <summary>Moves a comma option list after the authority into the query (values percent-encoded); other URIs unchanged.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var authorityStart = text.IndexOf("://", StringComparison.Ordinal);
        if (authorityStart < 0)
        {
            return text;
        }

        authorityStart += 3;
        var comma = text.IndexOf(',', authorityStart);
        if (comma < 0 || text.IndexOfAny(['/', '?', '#'], authorityStart, comma - authorityStart) >= 0)
        {
            return text;
        }

        var query = new StringBuilder();
        foreach (var option in text[(comma + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A word without '=' stays one, so the driver can refuse it as such.
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            query.Append(query.Length == 0 ? '?' : '&');
            if (equals < 0)
            {
                query.Append(Uri.EscapeDataString(option));
            }
            else
            {
                query.Append(Uri.EscapeDataString(option[..equals])).Append('=').Append(Uri.EscapeDataString(option[(equals + 1)..]));
            }
        }

        return text[..comma] + "/" + query;
    }

    /// <summary>The URI with the user-info password and every <c>password=</c> option replaced by <see cref="ConfigPrinter.Masked"/>.</summary>
    public static string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = text;
        var authorityStart = masked.IndexOf("://", StringComparison.Ordinal);
        if (authorityStart >= 0)
        {
            authorityStart += 3;
            var authorityEnd = masked.IndexOfAny(['/', '?', '#', ','], authorityStart);
            if (authorityEnd < 0)
            {
                authorityEnd = masked.Length;
            }

            var at = masked.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
            if (at >= 0)
            {
                var colon = masked.IndexOf(':', authorityStart, at - authorityStart);
                masked = colon >= 0
                    ? masked[..(colon + 1)] + ConfigPrinter.Masked + masked[at..]
                    : masked[..authorityStart] + ConfigPrinter.Masked + masked[at..];
            }
        }

        // password=VALUE in a query (ends at & or #) or a comma list (ends at ,).
        var builder = new StringBuilder(masked.Length);
        var position = 0;
        while (true)
        {
            var found = masked.IndexOf("password=", position, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                builder.Append(masked, position, masked.Length - position);
                break;
            }

            var valueStart = found + "password=".Length;
            var valueEnd = masked.IndexOfAny(['&', ',', '#'], valueStart);
            if (valueEnd < 0)
            {
                valueEnd = masked.Length;
            }

            builder.Append(masked, position, valueStart - position).Append(ConfigPrinter.Masked);
            position = valueEnd;
        }

        return builder.ToString();
    }
}
