using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marconi.Benchmarks.Ceiling;

/// <summary>
/// A one-second self-check of the echo server on an ephemeral loopback port: two pipelined requests in one write, one
/// split byte by byte across its head and body, a bodiless GET, an HTTP/1.0 request (answered, then closed) and a bad
/// request (400, then closed). Exit 0 when every answer is as expected.
/// </summary>
internal static class EchoSmoke
{
    public static async Task<int> RunAsync()
    {
        await using var server = new EchoServer(new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await CheckKeepAliveAsync(server.Endpoint, timeout.Token);
            await CheckClosingAsync(server.Endpoint, "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc", "200", "abc", timeout.Token);
            await CheckClosingAsync(server.Endpoint, "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "400", "", timeout.Token);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or SocketException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("echo smoke: FAILED: " + e.Message);
            return 1;
        }

        Console.WriteLine($"echo smoke: ok ({server.Requests} requests answered)");
        return 0;
    }

    private static async Task CheckKeepAliveAsync(IPEndPoint endpoint, CancellationToken token)
    {
        using var socket = await ConnectAsync(endpoint, token);
        await SendAsync(socket, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloPOST /b HTTP/1.1\r\ncontent-length: 2\r\n\r\nhi", token);
        var split = "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nsplit body!GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        foreach (var c in split)
        {
            await SendAsync(socket, c.ToString(), token);
        }

        var expected = Response("200", "hello") + Response("200", "hi") + Response("200", "split body!") + Response("200", "");
        var answer = await ReceiveAsync(socket, Encoding.ASCII.GetByteCount(expected), token);
        if (answer != expected)
        {
            throw new InvalidDataException($"keep-alive answers: expected {Escape(expected)}, got {Escape(answer)}");
        }
    }

    private static async Task CheckClosingAsync(IPEndPoint endpoint, string request, string status, string body, CancellationToken token)
    {
        using var socket = await ConnectAsync(endpoint, token);
        await SendAsync(socket, request, token);
        var answer = await ReceiveAsync(socket, int.MaxValue, token);
        if (!answer.StartsWith("HTTP/1.1 " + status, StringComparison.Ordinal) || !answer.EndsWith("\r\n\r\n" + body, StringComparison.Ordinal) ||
            !answer.Contains("Connection: close", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Escape(request)}: expected {status} with body '{body}' and a close, got {Escape(answer)}");
        }
    }

    private static string Response(string status, string body) =>
        $"HTTP/1.1 {status} OK\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    private static async Task<Socket> ConnectAsync(IPEndPoint endpoint, CancellationToken token)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint, token);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text, CancellationToken token) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, token);

    /// <summary>Reads until <paramref name="length"/> bytes arrived or the server closed the connection.</summary>
    private static async Task<string> ReceiveAsync(Socket socket, int length, CancellationToken token)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (received.Length < length)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
