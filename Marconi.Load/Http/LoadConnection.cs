using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Marconi.Load.Http;

/// <summary>
/// One worker's HTTP/1.1 connection to the server: one request in flight, kept alive between requests, reopened when
/// a response says it closes the connection (<c>Connection: close</c>, HTTP/1.0 without keep-alive, a body that runs
/// to the end of the connection), when the server closed it while idle, and after any failure. It connects to
/// loopback addresses only, whatever the host name resolves to. Each request has the whole timeout for connecting,
/// writing and reading its response.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly bool _tls;
    private readonly TimeSpan _timeout;
    private readonly Action _connected;
    private readonly HttpResponseParser _parser = new();
    private CancellationTokenSource _timer = new();
    private IPAddress[]? _addresses;
    private Stream? _stream;
    private PipeReader? _reader;
    private bool _used;

    /// <param name="server">The base URL; its scheme, host and port are used.</param>
    /// <param name="timeout">Per request.</param>
    /// <param name="connected">Called for every TCP connection opened.</param>
    public LoadConnection(Uri server, TimeSpan timeout, Action connected)
    {
        _host = server.Host;
        _port = server.Port;
        _tls = server.Scheme == Uri.UriSchemeHttps;
        _timeout = timeout;
        _connected = connected;
    }

    /// <summary>The last response's status code.</summary>
    public int Status => _parser.Status;

    /// <summary>The last response's body when it was asked for; valid until the next request.</summary>
    public ReadOnlyMemory<byte> Body => _parser.Body;

    /// <summary>The last response was HTTP/1.0.</summary>
    public bool WasHttp10 => _parser.IsHttp10;

    /// <summary>The last response let the connection carry another request.</summary>
    public bool WasKeepAlive => _parser.KeepAlive;

    /// <summary>
    /// Sends <paramref name="request"/> (a whole HTTP/1.1 request) and reads the whole response (its state machine is
    /// pooled: a worker's request costs no allocation). Throws
    /// <see cref="LoadHttpException"/> (timeout, ResponseEnded, InvalidResponse, NotLoopback), or the socket or TLS
    /// error; the connection is closed then, and the next request opens a new one.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> request, bool keepBody, bool bodiless = false)
    {
        if (!_timer.TryReset())
        {
            _timer.Dispose();
            _timer = new CancellationTokenSource();
        }

        _timer.CancelAfter(_timeout);
        var token = _timer.Token;
        try
        {
            while (true)
            {
                var reused = _stream is not null && _used;
                if (_stream is null)
                {
                    await ConnectAsync(token);
                }

                _parser.Reset(keepBody, bodiless);
                try
                {
                    await _stream!.WriteAsync(request, token);
                    await ReadResponseAsync(token);
                    break;
                }
                catch (Exception e) when (reused && !_parser.Started && !token.IsCancellationRequested && IsConnectionLoss(e))
                {
                    // The server closed this kept-alive connection while it was idle (its keep-alive timeout), before
                    // reading the request: send it again on a new connection, as browsers and HttpClient do.
                    await CloseAsync();
                }
            }

            _used = true;
            if (!_parser.KeepAlive)
            {
                await CloseAsync();
            }
        }
        catch (OperationCanceledException) when (_timer.IsCancellationRequested)
        {
            await CloseAsync();
            throw new LoadHttpException(LoadHttpException.Timeout, $"no whole response within {_timeout.TotalSeconds} s");
        }
        catch
        {
            await CloseAsync();
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadResponseAsync(CancellationToken token)
    {
        var reader = _reader!;
        while (true)
        {
            var result = await reader.ReadAsync(token);
            var buffer = result.Buffer;
            bool complete;
            try
            {
                complete = _parser.Parse(ref buffer, result.IsCompleted);
            }
            catch
            {
                reader.AdvanceTo(buffer.Start);
                throw;
            }

            if (complete)
            {
                var unexpected = !buffer.IsEmpty;
                reader.AdvanceTo(buffer.Start);
                if (unexpected)
                {
                    // Bytes after the response, with no request of ours in flight: the framing cannot be trusted further.
                    await CloseAsync();
                }

                return;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool IsConnectionLoss(Exception e) =>
        e is IOException or SocketException ||
        (e is LoadHttpException { Cause: LoadHttpException.ResponseEnded });

    private async ValueTask ConnectAsync(CancellationToken token)
    {
        _addresses ??= await ResolveLoopbackAsync(token);
        Exception? last = null;
        foreach (var address in _addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, _port), token);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _connected();
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                try
                {
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = _host }, token);
                }
                catch
                {
                    await ssl.DisposeAsync();
                    throw;
                }
            }

            _stream = stream;
            _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
            _used = false;
            return;
        }

        throw last!;
    }

    private async Task<IPAddress[]> ResolveLoopbackAsync(CancellationToken token)
    {
        var literal = _host.StartsWith('[') && _host.EndsWith(']') ? _host[1..^1] : _host;
        var addresses = IPAddress.TryParse(literal, out var parsed) ? [parsed] : await Dns.GetHostAddressesAsync(literal, token);
        var loopback = addresses.Where(LoadOptions.IsLoopback).ToArray();
        if (loopback.Length == 0)
        {
            throw new LoadHttpException(LoadHttpException.NotLoopback, $"refusing to connect to {_host}: it is not a loopback address");
        }

        return loopback;
    }

    private async ValueTask CloseAsync()
    {
        if (_reader is not null)
        {
            await _reader.CompleteAsync();
            _reader = null;
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
            _stream = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _timer.Dispose();
    }
}
