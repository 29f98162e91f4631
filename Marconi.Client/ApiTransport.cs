using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Marconi.Client;

/// <summary>Sends one API call: headers every request carries, the retry policy, and error answers turned into exceptions.</summary>
internal sealed class ApiTransport
{
    private static readonly MediaTypeWithQualityHeaderValue JsonAccept = new("application/json");
    private readonly HttpClient _http;
    private readonly MarconiClientOptions _options;
    private readonly string _root;

    public ApiTransport(HttpClient http, MarconiClientOptions options)
    {
        _http = http;
        _options = options;
        _root = options.BaseAddress.AbsoluteUri.TrimEnd('/') + "/" + options.ApiVersion;
    }

    /// <summary>Sends the call, retrying as <see cref="RetryPolicy"/> says; returns the success answer, which the caller disposes.</summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body, string? contentType, bool idempotent, CancellationToken cancellationToken)
    {
        var policy = _options.Retry;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan? retryAfter = null;
            using var request = Build(method, pathAndQuery, body, contentType);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException failure) when (attempt < policy.MaxAttempts && (idempotent || NeverSent(failure)))
            {
                await Task.Delay(policy.DelayBefore(attempt, null), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < policy.MaxAttempts)
            {
                retryAfter = response.Headers.RetryAfter?.Delta;
                response.Dispose();
                await Task.Delay(policy.DelayBefore(attempt, retryAfter), cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw Error(response, bytes);
                }

                return new ApiAnswer(response.StatusCode, bytes.Length == 0 ? null : JsonDocument.Parse(bytes));
            }
        }
    }

    /// <summary>Connection refused or the host unreachable: the request never reached the server, so any call may be retried.</summary>
    private static bool NeverSent(HttpRequestException failure) =>
        failure.HttpRequestError == HttpRequestError.ConnectionError
        && failure.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable };

    private HttpRequestMessage Build(HttpMethod method, string pathAndQuery, byte[]? body, string? contentType)
    {
        var request = new HttpRequestMessage(method, _root + pathAndQuery);
        request.Headers.Accept.Add(JsonAccept);
        request.Headers.Add("Client-ID", _options.ClientId.ToString("D"));
        request.Headers.Add("X-Project-ID", _options.ProjectId);
        if (_options.AuthToken is { } token)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        if (_options.SignedUrl is { } signed)
        {
            request.Headers.Add("URL-Signature", signed.Signature);
            request.Headers.Add("URL-Expires", signed.Expires);
            request.Headers.Add("URL-Methods", string.Join(',', signed.Methods));
            request.Headers.Add("URL-Paths", string.Join(',', signed.Paths));
        }

        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        return request;
    }

    private static MarconiApiException Error(HttpResponseMessage response, byte[] bytes)
    {
        var title = response.ReasonPhrase ?? response.StatusCode.ToString();
        var description = string.Empty;
        try
        {
            if (bytes.Length > 0)
            {
                using var document = JsonDocument.Parse(bytes);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (document.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String)
                    {
                        title = t.GetString()!;
                    }

                    if (document.RootElement.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String)
                    {
                        description = d.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A non-JSON error body (a proxy's HTML page): the status and reason phrase still say what happened.
        }

        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new MarconiNotFoundException(title, description),
            HttpStatusCode.Conflict => new MarconiConflictException(title, description),
            _ => new MarconiApiException(response.StatusCode, title, description),
        };
    }
}

/// <summary>A success answer: its status and JSON body (null when empty).</summary>
internal sealed class ApiAnswer(HttpStatusCode status, JsonDocument? body) : IDisposable
{
    public HttpStatusCode Status { get; } = status;

    public JsonDocument? Body { get; } = body;

    public JsonElement Root => Body?.RootElement ?? throw new MarconiApiException(Status, "Empty answer", "the server answered without the JSON body this call expects");

    public void Dispose() => Body?.Dispose();
}
