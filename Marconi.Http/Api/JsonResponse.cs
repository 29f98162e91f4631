using System.Text.Encodings.Web;
using System.Text.Json;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>Starts JSON responses written straight into the response body.</summary>
internal static class JsonResponse
{
    public const string ContentType = "application/json; charset=UTF-8";

    // Hrefs carry '&' and '?'; the relaxed encoder keeps them readable (the output is never embedded in HTML).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Sets the JSON content type and returns a writer over the body; dispose it to flush.</summary>
    public static Utf8JsonWriter Start(HttpResponse response, string contentType = ContentType)
    {
        response.AddHeader("Content-Type", contentType);
        return new Utf8JsonWriter(response.Body, WriterOptions);
    }

    /// <summary>Answers with a status and no body.</summary>
    public static void Empty(HttpResponse response, int statusCode) => response.StatusCode = statusCode;
}
