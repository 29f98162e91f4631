using System.Diagnostics;
using System.Text;
using Marconi.Tests.Http.Server;
using Xunit.Abstractions;

namespace Marconi.Tests.Http.Hostile;

/// <summary>
/// Clients that hold connections without finishing requests: slowloris (a head one byte per second), a body trickled
/// under the minimum data rate, idle connections over the connection cap, and partial heads that pin buffers. In each
/// case the server cuts them off as documented while a well-behaved client keeps getting answers, and the heap stays bounded.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class SlowClientAttackTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(12);

    private readonly ITestOutputHelper _output;

    public SlowClientAttackTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Slowloris_heads_are_closed_at_the_header_timeout_while_a_good_client_is_served()
    {
        await using var fixture = await HostileFixture.StartAsync(o => o with { RequestHeadersTimeout = TimeSpan.FromSeconds(2) });
        var head = Encoding.ASCII.GetBytes($"GET /v2/queues HTTP/1.1\r\n{HostileFixture.StandardHeaders}\r\n");
        var slow = new List<RawHttpClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                slow.Add(await fixture.ConnectAsync());
            }

            var started = Stopwatch.StartNew();
            var trickles = slow.Select(c => SlowClient.TrickleUntilClosedAsync(c, head, TimeSpan.FromSeconds(1))).ToList();
            var served = await ServeGoodClientUntilAsync(fixture, Task.WhenAll(trickles));

            // Closed without an answer (no 408), long before the ~90-byte head could have been trickled whole.
            foreach (var trickle in trickles)
            {
                Assert.Empty(await trickle);
            }

            _output.WriteLine($"20 slowloris connections closed after {started.Elapsed.TotalSeconds:F1} s; good client served {served} times meanwhile");
            Assert.True(started.Elapsed < Generous, $"slow heads were cut off only after {started.Elapsed}");
            Assert.True(served >= 1);
            Assert.DoesNotContain(fixture.Recorder.Seen, seen => !seen.Equals("GET /v2/queues", StringComparison.Ordinal));
            Assert.Equal(served, fixture.Recorder.Seen.Count);
        }
        finally
        {
            foreach (var client in slow)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_body_trickled_under_the_minimum_rate_is_closed_and_never_reaches_the_api()
    {
        await using var fixture = await HostileFixture.StartAsync(o => o with
        {
            MinRequestBodyDataRate = 100,
            MinRequestBodyDataRateGracePeriod = TimeSpan.FromSeconds(1),
        });
        await using var trickling = await fixture.ConnectAsync();
        await using var stalled = await fixture.ConnectAsync();
        const string Head = "POST /v2/queues/slow/messages HTTP/1.1\r\n";

        // One declares 2000 bytes and sends 4 a second; the other declares 2000 and sends none.
        await trickling.SendAsync($"{Head}{HostileFixture.StandardHeaders}Content-Length: 2000\r\n\r\n");
        await stalled.SendAsync($"{Head}{HostileFixture.StandardHeaders}Content-Length: 2000\r\n\r\n");
        var started = Stopwatch.StartNew();
        var body = Encoding.ASCII.GetBytes("{\"messages\": [{\"body\": \"" + new string('x', 1960) + "\"}]}");
        var cutOff = Task.WhenAll(
            SlowClient.TrickleUntilClosedAsync(trickling, body, TimeSpan.FromMilliseconds(250)),
            stalled.ReadToEndAsync());
        var served = await ServeGoodClientUntilAsync(fixture, cutOff);

        var answers = await cutOff;
        Assert.All(answers, Assert.Empty);
        _output.WriteLine($"slow bodies closed after {started.Elapsed.TotalSeconds:F1} s; good client served {served} times meanwhile");
        Assert.True(started.Elapsed < Generous, $"slow bodies were cut off only after {started.Elapsed}");
        Assert.True(served >= 1);
        Assert.DoesNotContain(fixture.Recorder.Seen, seen => seen.Contains("slow", StringComparison.Ordinal));
        Assert.False(await fixture.Harness.Engine.QueueExistsAsync(HostileFixture.Project, "slow"));
    }

    [Fact]
    public async Task Idle_connections_over_the_cap_get_503_and_the_idle_ones_are_closed_at_the_header_timeout()
    {
        const int Cap = 16;
        await using var fixture = await HostileFixture.StartAsync(o => o with
        {
            MaxConnections = Cap,
            RequestHeadersTimeout = TimeSpan.FromSeconds(4),
        });

        // The well-behaved client connected before the flood, on a kept-alive connection.
        await using var good = await fixture.ConnectAsync();
        await AssertServedAsync(good);
        var idle = new List<RawHttpClient>();
        try
        {
            for (var i = 1; i < Cap; i++)
            {
                idle.Add(await fixture.ConnectAsync());
            }

            await WaitUntilAsync(() => fixture.Server.ConnectionCount == Cap);

            // Over the cap: each extra connection is answered 503 with Connection: close at once (or reset, if the
            // answer loses the race with the close), and counts for nothing.
            var refused503 = 0;
            for (var i = 0; i < 40; i++)
            {
                await using var extra = await fixture.ConnectAsync();
                var answer = Encoding.ASCII.GetString(await extra.ReadToEndAsync());
                Assert.True(answer.Length == 0 || (answer.StartsWith("HTTP/1.1 503 ", StringComparison.Ordinal) && answer.Contains("Connection: close", StringComparison.Ordinal)), answer);
                refused503 += answer.Length > 0 ? 1 : 0;
            }

            _output.WriteLine($"40 connections over the cap of {Cap}: {refused503} answered 503, {40 - refused503} reset");
            Assert.True(refused503 > 0);
            Assert.Equal(Cap, fixture.Server.ConnectionCount);
            await AssertServedAsync(good);

            // The idle ones never sent a byte: the header timeout closes them without an answer, freeing their slots.
            foreach (var client in idle)
            {
                Assert.Empty(await client.ReadToEndAsync());
            }

            await WaitUntilAsync(() => fixture.Server.ConnectionCount == 1);
            await AssertServedAsync(good);
            await fixture.AssertStillServingAsync();
        }
        finally
        {
            foreach (var client in idle)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Partial_heads_near_the_limit_pin_a_bounded_heap_which_is_released_at_the_timeout()
    {
        const int Connections = 100;
        const int PartialHead = 30 * 1024;
        await using var fixture = await HostileFixture.StartAsync(o => o with { RequestHeadersTimeout = TimeSpan.FromSeconds(4) });
        var partial = Encoding.ASCII.GetBytes($"GET /v2/queues HTTP/1.1\r\n{HostileFixture.StandardHeaders}X-Pad: {new string('p', PartialHead)}");
        var before = Heap();
        var clients = new List<RawHttpClient>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                var client = await fixture.ConnectAsync();
                clients.Add(client);
                await client.SendAsync(partial);
            }

            await WaitUntilAsync(() => fixture.Server.ConnectionCount == Connections);
            await fixture.AssertStillServingAsync();
            var held = Heap() - before;
            _output.WriteLine($"{Connections} partial heads of {PartialHead} bytes: heap +{held / 1024} KiB");

            // 100 x 30 KiB is 3 MiB on the wire; the server may hold a few copies (pipe segments, a line being parsed),
            // not an amount that grows without bound.
            Assert.True(held < 64L * 1024 * 1024, $"{Connections} partial heads held {held / 1024} KiB");

            foreach (var client in clients)
            {
                Assert.Empty(await client.ReadToEndAsync());
            }

            await WaitUntilAsync(() => fixture.Server.ConnectionCount == 0);
            var after = Heap() - before;
            _output.WriteLine($"after the header timeout: heap +{after / 1024} KiB");
            Assert.True(after < 16L * 1024 * 1024, $"after the timeout the heap was still {after / 1024} KiB above its start");
            await fixture.AssertStillServingAsync();
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Heads_over_the_limit_from_many_clients_are_answered_431_and_leave_the_heap_where_it_was()
    {
        await using var fixture = await HostileFixture.StartAsync();
        var oversize = Encoding.ASCII.GetBytes($"GET /v2/queues HTTP/1.1\r\n{HostileFixture.StandardHeaders}X-Pad: {new string('p', 40 * 1024)}\r\n\r\n");

        // Warm up once so that the first-use costs (JIT, pools) are not counted as growth.
        await fixture.AssertRefusedAsync(oversize, 431);
        var before = Heap();
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.AssertRefusedAsync(oversize, 431)));
        }

        await fixture.AssertStillServingAsync();
        var grown = Heap() - before;
        _output.WriteLine($"100 refused oversize heads: heap +{grown / 1024} KiB");
        Assert.True(grown < 16L * 1024 * 1024, $"100 refused oversize heads grew the heap by {grown / 1024} KiB");
        Assert.Equal(["GET /v2/queues"], fixture.Recorder.Seen.ToArray());
    }

    /// <summary>Round trips of a well-behaved client on its own kept-alive connection until <paramref name="until"/> completes; returns how many were answered.</summary>
    private static async Task<int> ServeGoodClientUntilAsync(HostileFixture fixture, Task until)
    {
        await using var good = await fixture.ConnectAsync();
        var served = 0;
        var deadline = Stopwatch.StartNew();
        while (!until.IsCompleted && deadline.Elapsed < Generous)
        {
            await AssertServedAsync(good);
            served++;
            await Task.WhenAny(until, Task.Delay(250));
        }

        return served;
    }

    private static async Task AssertServedAsync(RawHttpClient client)
    {
        await client.SendAsync($"GET /v2/queues HTTP/1.1\r\n{HostileFixture.StandardHeaders}\r\n");
        var response = await client.ReadResponseAsync();
        Assert.True(response.Status is 200 or 204, $"{response.Status} {response.Text}");
        Assert.Null(response.Header("Connection"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Generous, "the condition did not hold in time");
            await Task.Delay(20);
        }
    }

    private static long Heap() => GC.GetTotalMemory(forceFullCollection: true);
}
