using System.Net;
using System.Net.Sockets;
using System.Text;
using Marconi.Client;

namespace Marconi.Tests.Client;

/// <summary>The retry policy and cancellation, against a loopback listener that answers what each test scripts.</summary>
public sealed class ClientRetryTests
{
    private static readonly RetryPolicy FastRetries = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task A_503_is_retried_after_its_retry_after()
    {
        await using var server = new ScriptedServer(n => n == 0 ? "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{\"title\":\"Busy\",\"description\":\"again\"}" : NoContent);
        using var client = Client(server);
        Assert.True(await client.PingAsync());
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task A_503_that_persists_ends_after_max_attempts_as_a_typed_error()
    {
        await using var server = new ScriptedServer(_ => "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{\"title\":\"Busy\",\"description\":\"again\"}");
        using var client = Client(server);
        var failure = await Assert.ThrowsAsync<MarconiApiException>(() => client.Queue("q").GetStatsAsync());
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Busy", "again"), (failure.Status, failure.Title, failure.Description));
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task A_connection_lost_mid_request_is_retried_for_a_read_but_not_for_a_post()
    {
        await using var server = new ScriptedServer(n => n % 2 == 0 ? null : NoContent);
        using var client = Client(server);
        await client.Queue("q").DeleteAsync();
        Assert.Equal(2, server.Requests);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.Queue("q").PostAsync([NewMessage.FromJson("1")]));
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task A_call_is_cancelled_while_the_server_does_not_answer()
    {
        await using var server = new ScriptedServer(_ => Silent);
        using var client = Client(server);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Queue("q").GetMetadataAsync(cancel.Token));
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_reported()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var client = new MarconiClient(new MarconiClientOptions { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), ProjectId = "p", Retry = FastRetries });
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.Queue("q").PostAsync([NewMessage.FromJson("1")]));
        Assert.Equal(HttpRequestError.ConnectionError, failure.HttpRequestError);
    }

    private const string NoContent = "HTTP/1.1 204 No Content\r\n\r\n";
    private const string Silent = "";

    private static MarconiClient Client(ScriptedServer server) =>
        new(new MarconiClientOptions { BaseAddress = server.BaseAddress, ProjectId = "p", Retry = FastRetries });

    /// <summary>
    /// One request per connection; the script maps the request's index to the raw answer, null to drop the connection
    /// after reading the request, or empty to hold it open unanswered.
    /// </summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<int, string?> _script;
        private readonly Task _loop;
        private int _requests;

        public ScriptedServer(Func<int, string?> script)
        {
            _script = script;
            _listener.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _loop = Task.Run(LoopAsync);
        }

        public Uri BaseAddress { get; }

        public int Requests => Volatile.Read(ref _requests);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                await ReadRequestAsync(socket);
                var answer = _script(Interlocked.Increment(ref _requests) - 1);
                if (answer is null)
                {
                    socket.Close(0);
                    continue;
                }

                if (answer.Length == 0)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                var withClose = answer.Replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", StringComparison.Ordinal);
                await socket.SendAsync(Encoding.ASCII.GetBytes(withClose), SocketFlags.None, _stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        }

        private async Task ReadRequestAsync(Socket socket)
        {
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
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

                var lengthAt = text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
                var length = lengthAt < 0 || lengthAt > end ? 0 : int.Parse(text.AsSpan(lengthAt + 16, text.IndexOf('\r', lengthAt) - lengthAt - 16), System.Globalization.CultureInfo.InvariantCulture);
                if (text.Length - end - 4 >= length)
                {
                    return;
                }
            }
        }
    }
}
