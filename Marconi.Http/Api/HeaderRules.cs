using Marconi.Core;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>The header checks Zaqar's hooks run before every versioned request (in Zaqar's order).</summary>
internal static class HeaderRules
{
    /// <summary>Rejects form-encoded bodies (400) and an Accept header that excludes JSON (406).</summary>
    public static void CheckContent(HttpRequest request)
    {
        if (!request.Body.IsEmpty && request.TryGetHeader("Content-Type", out var contentType)
            && MediaType(contentType).Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(
                400,
                "Invalid Content-Type",
                "Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is `application/json`; specify proper client-side media type with the \"Content-Type\" header.");
        }

        if (request.TryGetHeader("Accept", out var accept) && !AcceptsJson(accept))
        {
            throw new ApiException(
                406,
                ErrorTitles.NotAcceptable,
                "Endpoint only serves `application/json`; specify client-side media type support with the \"Accept\" header.");
        }
    }

    /// <summary>
    /// The project v1 requests without X-Project-ID are served in (Zaqar's "no project" scope). The engine needs a
    /// project id, and any printable one could also come in the header, so this one is refused as a header value.
    /// </summary>
    public const string V1NoProject = "~marconi-v1-no-project~";

    /// <summary>The Client-ID header as a UUID; 400 when missing or malformed.</summary>
    public static Guid ClientId(HttpRequest request) => OptionalClientId(request) ?? throw MissingClientId();

    /// <summary>The Client-ID header as a UUID, null when absent (Zaqar's v1 hook); 400 when present but malformed, even empty.</summary>
    public static Guid? OptionalClientId(HttpRequest request)
    {
        if (!request.TryGetHeader("Client-ID", out var value))
        {
            return null;
        }

        if (!Guid.TryParse(value.Trim(), out var clientId))
        {
            throw new ApiException(400, "Wrong UUID value", "Malformed hexadecimal UUID.");
        }

        return clientId;
    }

    /// <summary>The 400 falcon answers when a required Client-ID header is missing.</summary>
    public static ApiException MissingClientId() => new(400, "Missing header value", "The Client-ID header is required.");

    /// <summary>
    /// The X-Project-ID header; 400 when missing (except on v1, which serves <see cref="V1NoProject"/> then, as Zaqar
    /// serves v1 without a project), empty, too long or not printable ASCII.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="limits">The project id's length limit.</param>
    /// <param name="names">Shares one string per project id; null makes a new one.</param>
    /// <param name="optional">Whether a missing header serves the v1 scope.</param>
    public static string ProjectId(HttpRequest request, QueueLimits limits, NameCache? names = null, bool optional = false)
    {
        if (!request.TryGetHeader("X-Project-ID", out var value))
        {
            return optional ? V1NoProject : throw new ApiException(400, "Project-Id Missing", "The header X-PROJECT-ID was missing");
        }

        if (value.Length == 0)
        {
            throw new ApiException(400, "Empty project header not allowed", "X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.");
        }

        if (value.Length > limits.MaxProjectIdLength)
        {
            throw new ApiException(400, "Invalid project id", $"Project ids may not be more than {limits.MaxProjectIdLength} characters long.");
        }

        foreach (var c in value)
        {
            if (c < 0x21 || c > 0x7E)
            {
                throw new ApiException(400, "Invalid project id", "Project ids may only contain printable ASCII characters without spaces.");
            }
        }

        if (value.SequenceEqual(V1NoProject))
        {
            throw new ApiException(400, "Invalid project id", "This project id is reserved.");
        }

        return names?.Get(value) ?? new string(value);
    }

    /// <summary>
    /// The project of an authenticated token. Zaqar behind Keystone serves the token's project whatever the client
    /// sends; here an X-Project-ID naming another project is refused with 403 rather than silently replaced, so a
    /// client that believes it writes to one project never writes to another.
    /// </summary>
    public static string TokenProject(HttpRequest request, string tokenProject)
    {
        if (request.TryGetHeader("X-Project-ID", out var value) && !value.SequenceEqual(tokenProject))
        {
            throw new ApiException(403, "Forbidden", "The X-Project-ID header names a project other than the one of the X-Auth-Token.");
        }

        return tokenProject;
    }

    /// <summary>The media type of a Content-Type or Accept item without parameters, trimmed; null when absent.</summary>
    public static string? MediaType(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var semicolon = header.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? header : header[..semicolon]).Trim();
    }

    /// <summary>The media type of a Content-Type or Accept item without parameters, trimmed.</summary>
    public static ReadOnlySpan<char> MediaType(ReadOnlySpan<char> header)
    {
        var semicolon = header.IndexOf(';');
        return (semicolon < 0 ? header : header[..semicolon]).Trim();
    }

    /// <summary>True when an Accept header allows application/json (missing, */*, application/*, application/json with q &gt; 0).</summary>
    public static bool AcceptsJson(string? accept) => AcceptsJson(accept.AsSpan());

    /// <summary>True when an Accept header allows application/json (blank, */*, application/*, application/json with q &gt; 0).</summary>
    public static bool AcceptsJson(ReadOnlySpan<char> accept)
    {
        if (accept.IsWhiteSpace())
        {
            return true;
        }

        foreach (var range in accept.Split(','))
        {
            var item = accept[range].Trim();
            if (item.IsEmpty)
            {
                continue;
            }

            var type = MediaType(item);
            var coversJson = type is "*/*" or "*"
                || type.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                || type.Equals("application/json", StringComparison.OrdinalIgnoreCase);
            if (coversJson && !HasZeroQuality(item))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasZeroQuality(ReadOnlySpan<char> item)
    {
        var first = true;
        foreach (var range in item.Split(';'))
        {
            // The first part is the media type itself.
            if (first)
            {
                first = false;
                continue;
            }

            var parameter = item[range].Trim();
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var quality))
            {
                return quality <= 0;
            }
        }

        return false;
    }
}
