using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;

namespace Marconi.Benchmarks.Budgets;

/// <summary>
/// A keep-alive HTTP/1.1 client on one loopback socket that allocates nothing per request once connected: requests
/// are prepared bytes, the response lands in one reused buffer. It exists so that measuring the server's
/// allocations in the same process is not polluted by the client's.
/// </summary>
internal sealed class LoopbackHttpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _length;

    private LoopbackHttpClient(Socket socket) => _socket = socket;

    /// <summary>Status of the last response.</summary>
    public int Status { get; private set; }

    /// <summary>Body of the last response (valid until the next request).</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    public static async Task<LoopbackHttpClient> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return new LoopbackHttpClient(socket);
    }

    /// <summary>Sends one request and reads its whole response (Content-Length framed, or none for 204).</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> request)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None);
            request = request[sent..];
        }

        _length = 0;
        while (true)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            _length += read;
            if (TryFrame(out var total) && _length >= total)
            {
                if (_length != total)
                {
                    throw new InvalidDataException("The server sent more than one response.");
                }

                return;
            }
        }
    }

    private bool TryFrame(out int total)
    {
        total = 0;
        var data = _buffer.AsSpan(0, _length);
        var headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return false;
        }

        if (!Utf8Parser.TryParse(data[9..12], out int status, out _))
        {
            throw new InvalidDataException("The status line does not parse.");
        }

        Status = status;
        var head = data[..headEnd];
        var contentLength = 0;
        var at = head.IndexOf("\r\nContent-Length: "u8);
        if (at >= 0 && !Utf8Parser.TryParse(head[(at + 18)..], out contentLength, out _))
        {
            throw new InvalidDataException("Content-Length does not parse.");
        }

        total = headEnd + 4 + contentLength;
        Body = _buffer.AsMemory(headEnd + 4, contentLength);
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
