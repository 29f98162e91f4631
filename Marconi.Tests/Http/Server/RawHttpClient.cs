using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Marconi.Tests.Http.Server;

/// <summary>A parsed response as the tests see it.</summary>
internal sealed record RawResponse(int Status, string Reason, Dictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A client on a raw socket (optionally through a stream such as SslStream) that writes exact bytes and parses answers, every wait bounded.</summary>
internal sealed class RawHttpClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TcpClient _tcp;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttpClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        Stream = stream;
    }

    public Stream Stream { get; private set; }

    public static async Task<RawHttpClient> ConnectAsync(IPEndPoint endpoint)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var cts = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync(endpoint, cts.Token);
        return new RawHttpClient(tcp, tcp.GetStream());
    }

    public void UseStream(Stream stream) => Stream = stream;

    /// <summary>Half-closes the connection (FIN): the server sees the end of the request stream but can still answer.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    public async Task SendAsync(string text) => await SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Stream.WriteAsync(bytes, cts.Token);
        await Stream.FlushAsync(cts.Token);
    }

    /// <summary>Reads one response; for HEAD and 1xx/204/304 pass <paramref name="noBody"/>.</summary>
    public async Task<RawResponse> ReadResponseAsync(bool noBody = false)
    {
        var headText = await ReadHeadAsync();
        var lines = headText.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        Assert.Equal("HTTP/1.1", statusParts[0]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var status = int.Parse(statusParts[1]);
        var body = Array.Empty<byte>();
        if (!noBody && status is not (204 or 304) && status >= 200)
        {
            var length = int.Parse(headers["Content-Length"]);
            body = await ReadExactAsync(length);
            if (headers.TryGetValue("Content-Encoding", out var encoding) && encoding == "gzip")
            {
                using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                using var inflated = new MemoryStream();
                await gzip.CopyToAsync(inflated);
                body = inflated.ToArray();
            }
        }

        return new RawResponse(status, statusParts.Length > 2 ? statusParts[2] : string.Empty, headers, body);
    }

    /// <summary>True when the server closed the connection (EOF or reset) with nothing more to read, within the timeout.</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            return await FillAsync() == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Reads everything until the server closes (EOF or reset); throws if that takes longer than the timeout.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var all = new MemoryStream();
        all.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        try
        {
            while (await FillAsync() > 0)
            {
                all.Write(_buffer, _start, _end - _start);
                _start = _end = 0;
            }
        }
        catch (IOException)
        {
        }

        return all.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<string> ReadHeadAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var end = span.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var text = Encoding.Latin1.GetString(span[..end]);
                _start += end + 4;
                return text;
            }

            if (await FillAsync() == 0)
            {
                throw new EndOfStreamException("The connection closed before a response head arrived.");
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int length)
    {
        var result = new byte[length];
        var filled = 0;
        while (filled < length)
        {
            if (_start == _end && await FillAsync() == 0)
            {
                throw new EndOfStreamException("The connection closed mid-body.");
            }

            var take = Math.Min(length - filled, _end - _start);
            Array.Copy(_buffer, _start, result, filled, take);
            _start += take;
            filled += take;
        }

        return result;
    }

    private async Task<int> FillAsync()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        using var cts = new CancellationTokenSource(Timeout);
        var read = await Stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
        _end += read;
        return read;
    }
}
