using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>
/// Zaqar's pre-signed URLs (zaqar/common/urls.py): an HMAC-SHA256 hex digest, keyed with the server's secret, over
/// <c>paths</c> and <c>methods</c> (each sorted and comma-joined), the project and the expiry
/// (<c>yyyy-MM-ddTHH:mm:ss</c>, UTC), joined by the two characters backslash and n (a raw string in Zaqar's code).
/// </summary>
internal static class SignedUrls
{
    /// <summary>What Zaqar's create_signed_url returns: the sorted lists, the normalized expiry and the signature.</summary>
    public sealed record SignedUrl(string[] Paths, string[] Methods, string Project, string Expires, string Signature);

    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss";

    // The ISO 8601 forms Zaqar's parser (iso8601.parse_date) accepts in practice; a value without a zone is UTC.
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ss,FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd' 'HH:mmK",
        "yyyy-MM-dd",
        "yyyyMMdd'T'HHmmss.FFFFFFFK",
        "yyyyMMdd",
    ];

    /// <summary>
    /// Zaqar's create_signed_url for an already parsed expiry: sorts paths and methods (ordinal, as Python sorts
    /// code points) and signs. An empty method list stands for <c>["GET"]</c>.
    /// </summary>
    public static SignedUrl Create(string key, IReadOnlyList<string> paths, IReadOnlyList<string> methods, string project, DateTimeOffset expires)
    {
        var sortedPaths = paths.Order(StringComparer.Ordinal).ToArray();
        var sortedMethods = (methods.Count == 0 ? ["GET"] : methods).Order(StringComparer.Ordinal).ToArray();
        var expiresText = FormatExpires(expires);
        var hmacBody = string.Join(',', sortedPaths) + @"\n" + string.Join(',', sortedMethods) + @"\n" + project + @"\n" + expiresText;
        var digest = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(hmacBody));
        return new SignedUrl(sortedPaths, sortedMethods, project, expiresText, Convert.ToHexStringLower(digest));
    }

    /// <summary>The expiry as Zaqar signs and answers it: UTC, whole seconds.</summary>
    public static string FormatExpires(DateTimeOffset expires) => expires.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO 8601 expiry as Zaqar does (no zone means UTC); false when it is not a date.</summary>
    public static bool TryParseExpires(string text, out DateTimeOffset expires) =>
        DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out expires);

    /// <summary>
    /// Zaqar's verify_pre_signed_url hook: a request without <c>URL-Signature</c> passes; with one, the method must be
    /// among <c>URL-Methods</c>, the path must contain one of <c>URL-Paths</c> (Zaqar's <c>re.search</c>; signed paths
    /// are literal, so a substring test is the same), the expiry must be in the future and the signature must match
    /// the one computed from the headers and <c>X-Project-ID</c>. Every failure is a 404, as in Zaqar.
    /// </summary>
    public static void VerifyRequest(HttpRequest request, string? secretKey, TimeProvider time)
    {
        // Split so the common unsigned request does not allocate the signature check's closure.
        if (request.GetHeader("URL-Signature") is { } signature)
        {
            VerifySignature(request, signature, secretKey, time);
        }
    }

    private static void VerifySignature(HttpRequest request, string signature, string? secretKey, TimeProvider time)
    {
        // Python formats a missing project as "None".
        var project = request.GetHeader("X-Project-ID") ?? "None";
        var expiresHeader = request.GetHeader("URL-Expires");
        var methods = (request.GetHeader("URL-Methods") ?? string.Empty).Split(',');
        var paths = (request.GetHeader("URL-Paths") ?? string.Empty).Split(',');

        if (Array.IndexOf(methods, request.Method) < 0)
        {
            throw NotFound();
        }

        if (!paths.Any(p => request.Path.Contains(p, StringComparison.Ordinal)))
        {
            throw NotFound();
        }

        // Zaqar: no key raises ValueError (404); no expiry signs "now + 1 day", which cannot match a real signature.
        if (secretKey is null || expiresHeader is null || IsInteger(expiresHeader, out _)
            || !TryParseExpires(expiresHeader, out var expires) || expires <= time.GetUtcNow())
        {
            throw NotFound();
        }

        var expected = Create(secretKey, paths, methods, project, expires).Signature;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature)))
        {
            throw NotFound();
        }
    }

    /// <summary>True when Python's <c>int()</c> would accept the text (Zaqar rejects integer expiries).</summary>
    public static bool IsInteger(string text, out BigInteger value) =>
        BigInteger.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
        && value != BigInteger.Zero;

    private static ApiException NotFound() => new(404, ErrorTitles.NotFound, "The requested resource could not be found.");
}

/// <summary>POST /v2/queues/{q}/share: Zaqar's v2_0/urls.py Resource.</summary>
internal sealed class ShareEndpoint
{
    private static readonly string[] KnownKeys = ["expires", "methods", "paths"];
    private static readonly string[] ValidPaths = ["claims", "messages", "subscriptions"];

    private readonly string? _secretKey;
    private readonly TimeProvider _time;

    public ShareEndpoint(string? secretKey, TimeProvider time)
    {
        _secretKey = secretKey;
        _time = time;
    }

    /// <summary>200 <c>{"project", "paths", "methods", "expires", "signature"}</c>; 400 for a bad body or without a secret key.</summary>
    public void Share(ApiContext context)
    {
        var (paths, methods, expires) = ParseRequest(context.Request.Body, context.QueuePath);
        var signed = SignedUrls.Create(_secretKey!, paths, methods, context.Project, expires);
        var writer = JsonResponse.Start(context.Response);
        writer.WriteStartObject();
        writer.WriteStartArray("paths");
        foreach (var path in signed.Paths)
        {
            writer.WriteStringValue(path);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("methods");
        foreach (var method in signed.Methods)
        {
            writer.WriteStringValue(method);
        }

        writer.WriteEndArray();
        writer.WriteString("project", signed.Project);
        writer.WriteString("expires", signed.Expires);
        writer.WriteString("signature", signed.Signature);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The paths, methods and expiry a share body asks for, checked in Zaqar's order (the secret key between paths and
    /// methods); 400 for a bad body or without a secret key.
    /// </summary>
    internal (List<string> Paths, List<string> Methods, DateTimeOffset Expires) ParseRequest(ReadOnlyMemory<byte> body, string queuePath)
    {
        if (body.IsEmpty)
        {
            throw RequestBody.EmptyBody();
        }

        RequestBody.EnsureWellFormed(body);
        using var document = RequestBody.Parse(body, b => JsonDocument.Parse(b));
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RequestBody.DocumentTypeNotSupported();
        }

        JsonElement? pathsValue = null, methodsValue = null, expiresValue = null;
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "paths":
                    pathsValue = property.Value;
                    break;
                case "methods":
                    methodsValue = property.Value;
                    break;
                case "expires":
                    expiresValue = property.Value;
                    break;
                default:
                    unknown.Add(property.Name);
                    break;
            }
        }

        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest("Unknown keys: " + PythonSet(unknown));
        }

        var paths = Paths(queuePath, pathsValue);

        // From here on Zaqar's create_signed_url: the key first, then methods, then expires.
        if (_secretKey is null)
        {
            throw ApiException.BadRequest("The `key` can't be None");
        }

        var methods = Methods(methodsValue);
        var expires = Expires(expiresValue);
        if (expires <= _time.GetUtcNow())
        {
            throw ApiException.BadRequest("`expires` is lower than the current time");
        }

        return (paths, methods, expires);
    }

    private static bool IsFalsy(JsonElement? value) => value is not { } v || v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => true,
        JsonValueKind.Array => v.GetArrayLength() == 0,
        JsonValueKind.Object => !v.EnumerateObject().Any(),
        JsonValueKind.String => v.GetString()!.Length == 0,
        JsonValueKind.Number => v.GetDouble() == 0,
        _ => false,
    };

    private static List<string> Paths(string queuePath, JsonElement? value)
    {
        if (IsFalsy(value))
        {
            return [queuePath + "/messages"];
        }

        var names = new List<string>();
        var invalid = new SortedSet<string>(StringComparer.Ordinal);
        if (value!.Value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.Value.EnumerateArray())
            {
                var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
                if (item.ValueKind != JsonValueKind.String || Array.IndexOf(ValidPaths, name) < 0)
                {
                    invalid.Add(name);
                }

                names.Add(name);
            }
        }
        else
        {
            invalid.Add(value.Value.GetRawText());
        }

        if (invalid.Count > 0)
        {
            throw ApiException.BadRequest("Invalid paths: " + PythonSet(invalid));
        }

        return names.Select(name => queuePath + "/" + name).ToList();
    }

    private static List<string> Methods(JsonElement? value)
    {
        if (IsFalsy(value))
        {
            return ["GET"];
        }

        if (value!.Value.ValueKind != JsonValueKind.Array || value.Value.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String))
        {
            throw ApiException.BadRequest("`methods` should be a list");
        }

        return value.Value.EnumerateArray().Select(m => m.GetString()!).ToList();
    }

    private DateTimeOffset Expires(JsonElement? value)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return _time.GetUtcNow().AddDays(1);
        }

        BigInteger integer;
        switch (v.ValueKind)
        {
            case JsonValueKind.String when SignedUrls.IsInteger(v.GetString()!, out integer):
                throw NotDate(integer);
            case JsonValueKind.String when SignedUrls.TryParseExpires(v.GetString()!, out var parsed):
                return parsed;
            case JsonValueKind.String:
                throw ApiException.BadRequest($"Unable to parse date string '{v.GetString()}'");
            case JsonValueKind.Number when Math.Truncate(v.GetDouble()) != 0:
                throw NotDate(new BigInteger(Math.Truncate(v.GetDouble())));
            case JsonValueKind.True:
                throw NotDate(BigInteger.One);
            default:
                throw ApiException.BadRequest($"Unable to parse date string '{v.GetRawText()}'");
        }
    }

    private static ApiException NotDate(BigInteger value) =>
        ApiException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: {value}"));

    /// <summary>Python's repr of a set of strings, sorted for a stable answer: <c>{'a', 'b'}</c>.</summary>
    private static string PythonSet(IEnumerable<string> items) => "{" + string.Join(", ", items.Select(i => "'" + i + "'")) + "}";
}
