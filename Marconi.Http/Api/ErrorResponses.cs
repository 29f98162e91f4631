using Marconi.Core.Errors;
using Marconi.Http.Hosting;

namespace Marconi.Http.Api;

/// <summary>Writes error responses: always <c>{"title": ..., "description": ...}</c> as JSON.</summary>
internal static class ErrorResponses
{
    public static void Write(HttpResponse response, ApiException error)
    {
        if (error.Header is { } header)
        {
            response.AddHeader(header.Key, header.Value);
        }

        Write(response, error.StatusCode, error.Title, error.Message);
    }

    public static void Write(HttpResponse response, int statusCode, string title, string description)
    {
        response.Body.Clear();
        response.StatusCode = statusCode;
        var writer = JsonResponse.Start(response);
        writer.WriteStartObject();
        writer.WriteString("title", title);
        writer.WriteString("description", description);
        writer.WriteEndObject();

        // An error answer is complete here; callers outside the handler (and its final flush) read the body at once.
        JsonResponse.Finish(response);
    }

    /// <summary>Maps an engine error to its status and title (see <see cref="QueueErrorKind"/>).</summary>
    public static ApiException FromQueueError(QueueException error) => error.Kind switch
    {
        QueueErrorKind.InvalidArgument => new ApiException(400, ErrorTitles.InvalidApiRequest, error.Message),
        QueueErrorKind.LimitExceeded when error.Field is "messages" or "metadata" => new ApiException(413, ErrorTitles.TooLarge, error.Message),
        QueueErrorKind.LimitExceeded => new ApiException(400, ErrorTitles.InvalidApiRequest, error.Message),
        QueueErrorKind.NotFound => new ApiException(404, ErrorTitles.NotFound, error.Message),
        QueueErrorKind.Conflict => new ApiException(409, ErrorTitles.Conflict, error.Message),
        QueueErrorKind.ClaimRequired => new ApiException(403, ErrorTitles.UnableToDelete, error.Message),
        QueueErrorKind.ClaimMismatch => new ApiException(400, ErrorTitles.UnableToDelete, error.Message),
        // The store retries its storage by itself within about a second (FasterQueueStoreOptions.StorageRetryInterval).
        QueueErrorKind.StorageUnavailable => new ApiException(503, ErrorTitles.ServiceUnavailable, error.Message + " Please try again in a few seconds.")
        {
            Header = new("Retry-After", "1"),
        },
        _ => new ApiException(500, ErrorTitles.InternalError, error.Message),
    };
}
