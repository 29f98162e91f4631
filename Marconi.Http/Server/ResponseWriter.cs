using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Marconi.Http.Hosting;

namespace Marconi.Http.Server;

/// <summary>Frames responses: status line, Date, Content-Length, the handler's headers, and the body (gzipped when worth it).</summary>
internal static class ResponseWriter
{
    /// <summary>Bodies smaller than this are sent as they are: gzip would save little and cost CPU and latency.</summary>
    public const int MinGzipSize = 1024;

    private static ReadOnlySpan<byte> ContinueBytes => "HTTP/1.1 100 Continue\r\n\r\n"u8;

    /// <summary>The interim answer to "Expect: 100-continue", sent before the body is read.</summary>
    public static void WriteContinue(IBufferWriter<byte> output) => output.Write(ContinueBytes);

    /// <summary>
    /// Writes <paramref name="response"/>. Validates the handler's headers before writing anything, so a header that would split
    /// the response throws <see cref="InvalidOperationException"/> with nothing written.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, HttpResponse response, RequestHead? request, bool close)
    {
        var status = response.StatusCode;
        if (status is < 200 or > 999)
        {
            throw new InvalidOperationException($"The handler answered the invalid status code {status}.");
        }

        // RFC 9110 §6.4.1: 204 and 304 never have content, and 204 must not carry Content-Length either.
        var statusAllowsBody = status is not (204 or 304);
        var sendBody = statusAllowsBody && request?.IsHead != true;
        ReadOnlySpan<byte> body = response.Body.WrittenSpan;
        var handlerEncoded = false;
        var headers = response.Headers;

        // Indexed loops: enumerating the IReadOnlyList would box its enumerator once per response.
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            ValidateHeader(name, value);
            handlerEncoded |= name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase);
        }

        // The head goes straight into the output: no string is built per response.
        Write(output, "HTTP/1.1 "u8);
        WriteNumber(output, status);
        Write(output, " "u8);
        WriteLatin1(output, HttpStatusText.Get(status));
        Write(output, "\r\n"u8);
        Write(output, DateHeader.Current);
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (!IsServerOwned(name))
            {
                WriteLatin1(output, name);
                Write(output, ": "u8);
                WriteLatin1(output, value);
                Write(output, "\r\n"u8);
            }
        }

        if (statusAllowsBody && !handlerEncoded && body.Length >= MinGzipSize)
        {
            // The answer depends on Accept-Encoding whenever it is big enough to be compressed, so caches must key on it.
            Write(output, "Vary: Accept-Encoding\r\n"u8);
            if (sendBody && request?.AcceptsGzip == true)
            {
                body = Gzip(body);
                Write(output, "Content-Encoding: gzip\r\n"u8);
            }
        }

        if (status != 204)
        {
            Write(output, "Content-Length: "u8);
            WriteNumber(output, body.Length);
            Write(output, "\r\n"u8);
        }

        if (close)
        {
            Write(output, "Connection: close\r\n"u8);
        }
        else if (request is { IsHttp11: false })
        {
            Write(output, "Connection: keep-alive\r\n"u8);
        }

        Write(output, "\r\n"u8);
        if (sendBody)
        {
            output.Write(body);
        }
    }

    /// <summary>Writes the JSON error answer every refused request gets: {"title": ..., "description": ...}.</summary>
    public static void WriteError(IBufferWriter<byte> output, int status, string description, RequestHead? request, bool close)
    {
        Write(output, CreateError(status, description), request, close);
    }

    /// <summary>A response carrying the JSON error document.</summary>
    public static HttpResponse CreateError(int status, string description)
    {
        var response = new HttpResponse { StatusCode = status };
        using (var json = new Utf8JsonWriter(response.Body))
        {
            json.WriteStartObject();
            json.WriteString("title", HttpStatusText.Get(status));
            json.WriteString("description", description);
            json.WriteEndObject();
        }

        response.AddHeader("Content-Type", "application/json; charset=UTF-8");
        return response;
    }

    private static bool IsServerOwned(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Date", StringComparison.OrdinalIgnoreCase);

    private static void ValidateHeader(string name, string value)
    {
        foreach (var c in name)
        {
            if (c > 0x7F || !HttpSyntax.IsTokenChar((byte)c))
            {
                throw new InvalidOperationException($"The handler set a header with an invalid name '{name}'.");
            }
        }

        foreach (var c in value)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF)
            {
                throw new InvalidOperationException($"The handler set header '{name}' to a value with an invalid character.");
            }
        }

        if (name.Length == 0)
        {
            throw new InvalidOperationException("The handler set a header with an empty name.");
        }
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void WriteLatin1(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.Latin1.GetBytes(text, span);
        output.Advance(written);
    }

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static byte[] Gzip(ReadOnlySpan<byte> body)
    {
        using var buffer = new MemoryStream(body.Length / 2);
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return buffer.ToArray();
    }
}
