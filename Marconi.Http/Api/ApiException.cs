namespace Marconi.Http.Api;

/// <summary>An error the API answers directly: a status with Zaqar's title and description.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int statusCode, string title, string description)
        : base(description)
    {
        StatusCode = statusCode;
        Title = title;
    }

    public ApiException()
        : this(400, ErrorTitles.InvalidApiRequest, "Invalid request.")
    {
    }

    public ApiException(string message)
        : this(400, ErrorTitles.InvalidApiRequest, message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
        Title = ErrorTitles.InvalidApiRequest;
    }

    public int StatusCode { get; }

    public string Title { get; }

    /// <summary>Extra headers for the error response (for example Allow on a 405).</summary>
    public KeyValuePair<string, string>? Header { get; init; }

    public static ApiException BadBody(string description) => new(400, ErrorTitles.InvalidRequestBody, description);

    public static ApiException BadRequest(string description) => new(400, ErrorTitles.InvalidApiRequest, description);

    public static ApiException InvalidParameter(string name, string requirement) =>
        new(400, ErrorTitles.InvalidParameter, $"The \"{name}\" parameter is invalid. {requirement}");
}

/// <summary>The error titles Zaqar answers with.</summary>
internal static class ErrorTitles
{
    public const string InvalidApiRequest = "Invalid API request";
    public const string InvalidRequestBody = "Invalid request body";
    public const string InvalidParameter = "Invalid parameter";
    public const string NotFound = "Not found";
    public const string MethodNotAllowed = "Method not allowed";
    public const string NotAcceptable = "Not acceptable";
    public const string UnsupportedMediaType = "Unsupported media type";
    public const string Conflict = "Resource conflict";
    public const string TooLarge = "Request body too large";
    public const string UnableToDelete = "Unable to delete";
    public const string ServiceUnavailable = "Service temporarily unavailable";
    public const string InternalError = "Internal server error";
}
