using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Marconi.Http.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Http.Server;

/// <summary>
/// A small HTTP/1.1 server on sockets and System.IO.Pipelines that hands every well-formed request to an
/// <see cref="IHttpHandler"/>. It enforces the limits in <see cref="HttpServerOptions"/> itself, so a handler only ever sees
/// requests whose size, framing and timing are already acceptable.
/// </summary>
public sealed class HttpServer : IAsyncDisposable
{
    private static readonly TimeSpan DisposeDrain = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AbortWait = TimeSpan.FromSeconds(2);

    private readonly IHttpHandler _handler;
    private readonly HttpServerOptions _options;
    private readonly ILogger _logger;
    private readonly List<Socket> _listeners = [];
    private readonly List<IPEndPoint> _boundEndpoints = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<HttpConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private int _connectionCount;
    private int _state; // 0 created, 1 started, 2 stopped

    /// <summary>Creates a server; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="handler">Answers every request that passes the server's checks.</param>
    /// <param name="options">Endpoints and limits.</param>
    /// <param name="logger">Where connection errors and handler failures are logged; none when null.</param>
    public HttpServer(IHttpHandler handler, HttpServerOptions options, ILogger<HttpServer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _handler = handler;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The endpoints actually bound (with the ports the system picked for port 0), in the order of <see cref="HttpServerOptions.Endpoints"/>.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndpoints => _boundEndpoints;

    /// <summary>Open connections at this moment.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Binds every endpoint and starts accepting; throws (binding nothing) if any endpoint cannot be bound.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server has already been started.");
        }

        try
        {
            foreach (var endpoint in _options.Endpoints)
            {
                var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                _listeners.Add(listener);
                if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
                {
                    // "[::]" means every address, IPv4 included, as it does for Kestrel.
                    listener.DualMode = true;
                }

                listener.Bind(endpoint);
                listener.Listen(512);
                _boundEndpoints.Add((IPEndPoint)listener.LocalEndPoint!);
            }
        }
        catch
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }

            _listeners.Clear();
            _boundEndpoints.Clear();
            throw;
        }

        foreach (var listener in _listeners)
        {
            HttpServerLog.Listening(_logger, (IPEndPoint)listener.LocalEndPoint!);
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting, closes idle connections, lets requests in flight finish (their connections then close) for up to
    /// <paramref name="drain"/>, and aborts whatever is still running after that.
    /// </summary>
    public async Task StopAsync(TimeSpan drain)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);

        var running = Task.WhenAll(_connections.Values);
        try
        {
            await running.WaitAsync(drain).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            HttpServerLog.DrainTimedOut(_logger, _connections.Count);
            await _abort.CancelAsync().ConfigureAwait(false);
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }

            // Best effort: a handler that ignores cancellation must not hang shutdown.
            await Task.WhenAny(running, Task.Delay(AbortWait)).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server (draining for up to 5 seconds) if it is still running.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(DisposeDrain).ConfigureAwait(false);
        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // Typically EMFILE or a connection reset before accept completed: log and keep accepting.
                HttpServerLog.AcceptFailed(_logger, ex);
                continue;
            }

            if (Interlocked.Increment(ref _connectionCount) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _connectionCount);
                HttpServerLog.ConnectionRefused(_logger, _options.MaxConnections, client.RemoteEndPoint);
                Refuse(client);
                continue;
            }

            client.NoDelay = true;
            var connection = new HttpConnection(client, _handler, _options, _logger, _stopping.Token, _abort.Token);
            var task = Task.Run(connection.RunAsync, CancellationToken.None);
            _connections[connection] = task;

            // Registered after the add, so a connection that already finished is still removed.
            _ = task.ContinueWith(
                _ =>
                {
                    _connections.TryRemove(connection, out Task? _);
                    Interlocked.Decrement(ref _connectionCount);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>Turns away a connection over the cap: a plain-text 503 when we can say so, a bare close under TLS.</summary>
    private void Refuse(Socket client)
    {
        try
        {
            if (_options.ServerCertificate is null)
            {
                var answer = new System.Buffers.ArrayBufferWriter<byte>(256);
                ResponseWriter.WriteError(answer, 503, "The server has too many open connections; try again later.", request: null, close: true);
                client.Send(answer.WrittenSpan, SocketFlags.None);
                client.Shutdown(SocketShutdown.Both);
            }
        }
        catch (SocketException)
        {
            // The client is gone already.
        }
        finally
        {
            client.Dispose();
        }
    }
}
