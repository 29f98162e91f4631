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

    /// <summary>
    /// Sets the JSON content type and returns the response's writer, reset onto the body. The writer is reused for
    /// every response of a connection, so do not dispose it: <see cref="Finish"/> flushes it once the handler is done.
    /// </summary>
    public static Utf8JsonWriter Start(HttpResponse response, string contentType = ContentType)
    {
        response.AddHeader("Content-Type", contentType);
        if (response.JsonWriter is { } writer)
        {
            // Drops whatever an abandoned answer left unflushed (an error answer replaces it).
            writer.Reset(response.Body);
            return writer;
        }

        return response.JsonWriter = new Utf8JsonWriter(response.Body, WriterOptions);
    }

    /// <summary>Flushes what the response's writer holds into the body (nothing when no JSON was started).</summary>
    public static void Finish(HttpResponse response) => response.JsonWriter?.Flush();

    /// <summary>Answers with a status and no body.</summary>
    public static void Empty(HttpResponse response, int statusCode) => response.StatusCode = statusCode;
}
