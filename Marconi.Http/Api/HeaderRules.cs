using Marconi.Core;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>The header checks Zaqar's hooks run before every versioned request (in Zaqar's order).</summary>
internal static class HeaderRules
{
    /// <summary>Rejects form-encoded bodies (400) and an Accept header that excludes JSON (406).</summary>
    public static void CheckContent(HttpRequest request)
    {
        if (!request.Body.IsEmpty && MediaType(request.GetHeader("Content-Type")) is { } type
            && string.Equals(type, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(
                400,
                "Invalid Content-Type",
                "Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is `application/json`; specify proper client-side media type with the \"Content-Type\" header.");
        }

        if (!AcceptsJson(request.GetHeader("Accept")))
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
        var value = request.GetHeader("Client-ID");
        if (value is null)
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
    public static string ProjectId(HttpRequest request, QueueLimits limits, bool optional = false)
    {
        var value = request.GetHeader("X-Project-ID");
        if (value is null)
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

        if (string.Equals(value, V1NoProject, StringComparison.Ordinal))
        {
            throw new ApiException(400, "Invalid project id", "This project id is reserved.");
        }

        return value;
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

    /// <summary>True when an Accept header allows application/json (missing, */*, application/*, application/json with q &gt; 0).</summary>
    public static bool AcceptsJson(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return true;
        }

        foreach (var item in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var type = MediaType(item);
            var coversJson = type is "*/*" or "*"
                || string.Equals(type, "application/*", StringComparison.OrdinalIgnoreCase)
                || string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase);
            if (coversJson && !HasZeroQuality(item))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasZeroQuality(string item)
    {
        foreach (var parameter in item.Split(';', StringSplitOptions.TrimEntries).Skip(1))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var quality))
            {
                return quality <= 0;
            }
        }

        return false;
    }
}
