using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Marconi.Benchmarks.Ceiling;

/// <summary>
/// The barest HTTP/1.1 server on <see cref="Socket"/> and System.IO.Pipelines, with the same transport as
/// Marconi.Http (NetworkStream, one PipeReader/PipeWriter pair per connection) but no routing, JSON or engine: the
/// ceiling the machine sets for any server written this way.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<EchoConnection, Task> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;
    private long _requestsOfClosed;
    private long _connectionCount;

    public EchoServer(IPEndPoint endpoint)
    {
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(endpoint);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>The bound endpoint (the real port when 0 was asked for).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Connections accepted so far.</summary>
    public long Connections => Interlocked.Read(ref _connectionCount);

    /// <summary>Requests answered so far (live connections included).</summary>
    public long Requests => Interlocked.Read(ref _requestsOfClosed) + _connections.Keys.Sum(c => c.Requests);

    public void Start()
    {
        _listener.Listen(1024);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            Interlocked.Increment(ref _connectionCount);
            var connection = new EchoConnection(client);
            // Registered before it starts, so a connection that ends at once still finds its entry to remove.
            _connections[connection] = Task.CompletedTask;
            var served = Task.Run(async () =>
            {
                await connection.RunAsync(_stop.Token);
                _connections.TryRemove(connection, out _);
                Interlocked.Add(ref _requestsOfClosed, connection.Requests);
            });
            _connections.TryUpdate(connection, served, Task.CompletedTask);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_connections.Values);
        _stop.Dispose();
    }
}
