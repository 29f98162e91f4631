using System.Buffers.Text;
using System.Text;

namespace Marconi.Load.Http;

/// <summary>
/// Writes one worker's requests into a buffer it reuses: the request line, the headers every request of the worker
/// carries (Host, Accept, X-Project-ID, Client-ID, and <c>Connection: close</c> for a server that closes connections
/// anyway), Content-Type and Content-Length when there is a body, then the body.
/// </summary>
internal sealed class RequestWriter
{
    private readonly byte[] _headers;
    private byte[] _buffer = new byte[4096];
    private int _length;

    public RequestWriter(Uri server, string project, string clientId, bool closeConnections)
    {
        var headers = $"Host: {server.Authority}\r\nAccept: application/json\r\nX-Project-ID: {project}\r\nClient-ID: {clientId}\r\n" +
            (closeConnections ? "Connection: close\r\n" : string.Empty);
        _headers = Encoding.ASCII.GetBytes(headers);
    }

    /// <summary>The request; valid until the next call. <paramref name="target"/> is the origin-form path and query.</summary>
    public ReadOnlyMemory<byte> Write(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, ReadOnlySpan<byte> jsonBody, bool hasBody)
    {
        _length = 0;
        Append(method);
        Append(" "u8);
        Append(target);
        Append(" HTTP/1.1\r\n"u8);
        Append(_headers);
        if (hasBody)
        {
            Append("Content-Type: application/json\r\nContent-Length: "u8);
            Reserve(20);
            Utf8Formatter.TryFormat(jsonBody.Length, _buffer.AsSpan(_length), out var digits);
            _length += digits;
            Append("\r\n"u8);
        }

        Append("\r\n"u8);
        Append(jsonBody);
        return _buffer.AsMemory(0, _length);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + count, _buffer.Length * 2));
        }
    }
}
