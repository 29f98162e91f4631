using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using Marconi.Http.Hosting;
using Microsoft.Extensions.Logging;

namespace Marconi.Http.Server;

/// <summary>
/// One accepted socket: TLS (optional), then a loop of read head → read body → call the handler → write the answer,
/// with keep-alive and pipelining, until the client, a limit, an error or the server's shutdown ends it.
/// </summary>
internal sealed class HttpConnection
{
    // After answering an error or "Connection: close", read (and drop) what the client still sends for a moment before
    // closing: closing a socket with unread input sends RST, which can destroy the answer before the client reads it.
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);
    private const int LingerMaxBytes = 1024 * 1024;
    private const int MaxRetainedResponseBuffer = 16 * 1024;

    private readonly Socket _socket;
    private readonly IHttpHandler _handler;
    private readonly HttpServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly CancellationToken _abort;
    private readonly EndPoint? _remote;
    private HttpResponse? _response;

    // Created once per connection: a linked source per request cost an allocation and a registration each time.
    private CancellationTokenSource? _headTimeout;
    private RequestBodyReader.DataRateGuard? _bodyRate;

    public HttpConnection(Socket socket, IHttpHandler handler, HttpServerOptions options, ILogger logger, CancellationToken stopping, CancellationToken abort)
    {
        _socket = socket;
        _handler = handler;
        _options = options;
        _logger = logger;
        _stopping = stopping;
        _abort = abort;
        _remote = socket.RemoteEndPoint;
    }

    /// <summary>Closes the socket at once, failing any pending I/O (used when the drain period runs out).</summary>
    public void Abort() => _socket.Dispose();

    public async Task RunAsync()
    {
        Stream stream = new NetworkStream(_socket, ownsSocket: true);
        try
        {
            if (_options.ServerCertificate is { } certificate)
            {
                // The first byte and the handshake share one header timeout: a client that opens TLS and stalls is a
                // slowloris too, and looking at its first byte must not give it a second allowance.
                using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_abort);
                handshakeTimeout.CancelAfter(_options.RequestHeadersTimeout);
                if (await RefusedPlainHttpAsync(stream, handshakeTimeout.Token).ConfigureAwait(false))
                {
                    return;
                }

                stream = await AuthenticateAsync(stream, certificate, handshakeTimeout.Token).ConfigureAwait(false);
            }

            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            try
            {
                await ServeAsync(stream, reader, writer).ConfigureAwait(false);
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                await writer.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            // The client went away, TLS failed or the server aborted us: nothing to answer, nothing to report above debug.
            HttpServerLog.ConnectionClosed(_logger, _remote, ex.Message);
        }
        catch (Exception ex)
        {
            // A bug in the server itself: log it and drop this connection; the others, and the process, carry on.
            HttpServerLog.ConnectionFailed(_logger, ex);
        }
        finally
        {
            _headTimeout?.Dispose();
            _bodyRate?.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// On the TLS port, looks at the first byte without consuming it; when it opens a plain HTTP request, answers 400
    /// in the clear, closes, and returns true.
    /// </summary>
    private async Task<bool> RefusedPlainHttpAsync(Stream stream, CancellationToken timeout)
    {
        // Once per connection, not per request.
        var first = new byte[1];
        var peeked = await _socket.ReceiveAsync(first, SocketFlags.Peek, timeout).ConfigureAwait(false);
        if (peeked == 0 || !PlainHttpOnTlsPort.LooksLikePlainHttp(first[0]))
        {
            // A closed connection, a TLS hello, or bytes that are neither: the handshake deals with all three.
            return false;
        }

        HttpServerLog.BadRequest(_logger, _remote, 400, "plain HTTP on the TLS port");
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            ResponseWriter.WriteError(writer, 400, PlainHttpOnTlsPort.Description, request: null, close: true);
            await writer.FlushAsync(timeout).ConfigureAwait(false);
            await CloseGracefullyAsync(stream, reader).ConfigureAwait(false);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<Stream> AuthenticateAsync(Stream stream, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, CancellationToken timeout)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
        };
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return ssl;
    }

    private async Task ServeAsync(Stream stream, PipeReader reader, PipeWriter writer)
    {
        var parser = new HttpHeadParser(_options);
        var first = true;
        while (true)
        {
            RequestHead? head = null;
            HttpResponse response;
            try
            {
                head = await ReadHeadAsync(reader, parser, first).ConfigureAwait(false);
                if (head is null)
                {
                    return;
                }

                first = false;
                var body = await ReadBodyAsync(reader, writer, head).ConfigureAwait(false);
                response = await InvokeHandlerAsync(head, body).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                HttpServerLog.BadRequest(_logger, _remote, ex.StatusCode, ex.Message);
                ResponseWriter.WriteError(writer, ex.StatusCode, ex.Message, head, close: true);
                await writer.FlushAsync(_abort).ConfigureAwait(false);
                await CloseGracefullyAsync(stream, reader).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException ex)
            {
                HttpServerLog.ConnectionClosed(_logger, _remote, ex.Message);
                return;
            }

            var close = !head.KeepAlive || response.CloseConnection || _stopping.IsCancellationRequested;
            WriteResponse(writer, response, head, close);
            await writer.FlushAsync(_abort).ConfigureAwait(false);
            if (close)
            {
                await CloseGracefullyAsync(stream, reader).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Reads the next request head; null when the client closed, went idle too long, was too slow, or the server is stopping.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RequestHead?> ReadHeadAsync(PipeReader reader, HttpHeadParser parser, bool first)
    {
        parser.Reset();
        if (_headTimeout is null || !_headTimeout.TryReset())
        {
            _headTimeout?.Dispose();
            _headTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        }

        var timeout = _headTimeout;

        // The first request's head must arrive within the header timeout of the accept; later ones get the keep-alive
        // timeout to start and the header timeout from their first byte on.
        var started = first;
        timeout.CancelAfter(first ? _options.RequestHeadersTimeout : _options.KeepAliveTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                HttpServerLog.ConnectionClosed(_logger, _remote, _stopping.IsCancellationRequested ? "server stopping" : "request head timeout");
                return null;
            }

            var buffer = result.Buffer;
            if (!started && !buffer.IsEmpty)
            {
                started = true;
                timeout.CancelAfter(_options.RequestHeadersTimeout);
            }

            var sequence = new SequenceReader<byte>(buffer);
            RequestHead? head = null;
            try
            {
                head = parser.Parse(ref sequence);
            }
            finally
            {
                // Once the head is complete, what follows (a body, a pipelined request) is unexamined and must be seen
                // by the next read at once; while incomplete, wait for bytes beyond what was examined.
                reader.AdvanceTo(sequence.Position, head is null ? buffer.End : sequence.Position);
            }

            if (head is not null)
            {
                return head;
            }

            if (result.IsCompleted)
            {
                // A close between requests is the normal end of a connection; a close mid-head leaves nobody to answer.
                return null;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(PipeReader reader, PipeWriter writer, RequestHead head)
    {
        if (!head.HasBody)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // Refuse an oversize declared body before inviting the client to send it.
        if (head.ContentLength > _options.MaxRequestBodySize)
        {
            BadHttpRequestException.BodyTooLarge(_options.MaxRequestBodySize);
        }

        if (head.ExpectContinue)
        {
            ResponseWriter.WriteContinue(writer);
            await writer.FlushAsync(_abort).ConfigureAwait(false);
        }

        var body = await RequestBodyReader.ReadAsync(reader, head, _options, _bodyRate ??= new RequestBodyReader.DataRateGuard(_options, _abort)).ConfigureAwait(false);
        return head.GzipBody ? GzipInflater.Inflate(body, _options.MaxRequestBodySize) : body;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResponse> InvokeHandlerAsync(RequestHead head, ReadOnlyMemory<byte> body)
    {
        var request = head.Request;
        request.Body = body;
        var response = NextResponse();
        try
        {
            await _handler.HandleAsync(request, response, _abort).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            // A handler must answer 4xx rather than throw; an exception here (a QueueException included) is a bug in the
            // layer above. Answer 500 and keep serving: one bad request must not take the connection, let alone the process.
            HttpServerLog.HandlerFailed(_logger, ex, head.Method, head.Path);
            return ResponseWriter.CreateError(500, "The server failed to process the request.");
        }
    }

    /// <summary>
    /// The connection's response object, emptied: its body buffer has grown to fit earlier answers, so a page of
    /// messages is not re-grown from 256 bytes on every request. A buffer grown past a large answer is dropped, so an
    /// idle connection never pins one.
    /// </summary>
    private HttpResponse NextResponse()
    {
        if (_response is null || _response.Body.Capacity > MaxRetainedResponseBuffer)
        {
            _response = new HttpResponse();
        }
        else
        {
            _response.Reset();
        }

        return _response;
    }

    private void WriteResponse(PipeWriter writer, HttpResponse response, RequestHead head, bool close)
    {
        try
        {
            ResponseWriter.Write(writer, response, head, close);
        }
        catch (InvalidOperationException ex)
        {
            // Nothing was written (headers are validated first), so a clean 500 can still go out.
            HttpServerLog.InvalidResponse(_logger, ex, head.Method, head.Path);
            ResponseWriter.WriteError(writer, 500, "The server failed to process the request.", head, close);
        }
    }

    /// <summary>Ends our side (TLS close_notify, then FIN) and drains the client's leftovers briefly so our answer is not lost to a reset.</summary>
    private async Task CloseGracefullyAsync(Stream stream, PipeReader reader)
    {
        try
        {
            if (stream is SslStream ssl)
            {
                await ssl.ShutdownAsync().ConfigureAwait(false);
            }

            _socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(_abort);
            linger.CancelAfter(LingerTimeout);
            long drained = 0;
            while (drained < LingerMaxBytes)
            {
                var result = await reader.ReadAsync(linger.Token).ConfigureAwait(false);
                drained += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client closed first or lingered too long; either way the connection is done.
        }
    }
}
