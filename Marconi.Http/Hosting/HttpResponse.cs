using System.Buffers;

namespace Marconi.Http.Hosting;

/// <summary>What a handler answers: a status, headers and a body the server frames (Content-Length, gzip when worth it).</summary>
public sealed class HttpResponse
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    /// <summary>The status code; 200 unless set.</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>The body; handlers write JSON here (for example through a Utf8JsonWriter over it).</summary>
    public ArrayBufferWriter<byte> Body { get; } = new(256);

    /// <summary>Headers other than Content-Length, Transfer-Encoding, Connection and Date, which the server writes.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Adds a header.</summary>
    public void AddHeader(string name, string value) => _headers.Add(new(name, value));

    /// <summary>The API's JSON writer over <see cref="Body"/>, kept with the response so a connection reuses one.</summary>
    internal System.Text.Json.Utf8JsonWriter? JsonWriter { get; set; }

    /// <summary>The project the request acted for, once the API resolved it (for the access log).</summary>
    internal string? Project { get; set; }

    /// <summary>The request's Client-ID, once the API read it (for the access log).</summary>
    internal Guid? ClientId { get; set; }

    /// <summary>Closes the connection after this response.</summary>
    public bool CloseConnection { get; set; }

    /// <summary>Empties the response for the connection's next request, keeping the body's buffer.</summary>
    internal void Reset()
    {
        StatusCode = 200;
        CloseConnection = false;
        Project = null;
        ClientId = null;
        _headers.Clear();
        Body.ResetWrittenCount();
    }
}
