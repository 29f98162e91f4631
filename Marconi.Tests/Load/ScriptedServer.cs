using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marconi.Tests.Load;

/// <summary>
/// A loopback TCP server that answers each request head it reads with what a test's script returns, then closes the
/// connection if the script says so: for the server behaviours Marconi's own server never shows (HTTP/1.0 with
/// close-delimited bodies, idle keep-alive connections closed under the client, silence).
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<int, (string Response, bool Close)> _script;
    private readonly Task _accepting;
    private int _requests;
    private int _connections;

    /// <param name="script">Given the request's number (from 0) over the whole server, the bytes to answer.</param>
    public ScriptedServer(Func<int, (string Response, bool Close)> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        var served = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                served.Add(ServeAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(served);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                var text = received.ToString();
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    continue;
                }

                // The load tool's requests here carry no body, or one whose length is in the head: skip both.
                var length = ContentLength(text[..end]);
                if (text.Length < end + 4 + length)
                {
                    continue;
                }

                received.Remove(0, end + 4 + length);
                var (response, close) = _script(Interlocked.Increment(ref _requests) - 1);
                if (response.Length > 0)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                }

                if (close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
