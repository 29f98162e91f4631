namespace Marconi.Tests.Http.Hostile;

/// <summary>
/// Hostile chunked bodies: chunk sizes that overflow or hide a second number, chunk extensions used to smuggle line
/// ends or to exhaust memory, a missing last CRLF, and trailers. Refusals answer with <c>Connection: close</c> and the
/// request (and what is smuggled behind it) never reaches the API.
/// </summary>
public sealed class ChunkedAttackTests
{
    private static string ChunkedPost => $"POST /v2/queues/q/messages HTTP/1.1\r\n{HostileFixture.StandardHeaders}Transfer-Encoding: chunked\r\n\r\n";

    public static TheoryData<string, string, int> Attacks => new()
    {
        // Sizes: more than 8 hex digits could wrap a 32- or 64-bit counter in some parser and end the body early.
        { "2^64 + 1 (overflows 64 bits)", "10000000000000001\r\nx\r\n0\r\n\r\n", 400 },
        { "many leading zeros", "0000000000000000001\r\nx\r\n0\r\n\r\n", 400 },
        { "nine hex digits", "100000000\r\n", 400 },
        { "eight hex digits, over the body limit", "ffffffff\r\n", 413 },
        { "negative size", "-1\r\nx\r\n0\r\n\r\n", 400 },
        { "size with 0x prefix", "0x1\r\nx\r\n0\r\n\r\n", 400 },
        { "size with plus sign", "+1\r\nx\r\n0\r\n\r\n", 400 },
        { "size with leading space", " 1\r\nx\r\n0\r\n\r\n", 400 },
        { "empty size line", "\r\nx\r\n0\r\n\r\n", 400 },
        { "two sizes on one line", "1 1\r\nx\r\n0\r\n\r\n", 400 },
        { "size line ends in a bare LF", "1\nx\r\n0\r\n\r\n", 400 },
        { "size line with a bare CR", "1\rx\r\nx\r\n0\r\n\r\n", 400 },

        // Extensions: ignored, but still framed strictly (the bare-LF-in-extension desync, CVE-2025-55315 in Kestrel).
        { "extension ending in a bare LF", "1;ext\nx\r\n0\r\n\r\n", 400 },
        { "extension with a bare LF inside", "1;a\nb\r\nx\r\n0\r\n\r\n", 400 },
        { "extension with a bare CR inside", "1;a\rb\r\nx\r\n0\r\n\r\n", 400 },
        { "extension longer than 4 KiB", $"1;{new string('e', 5000)}\r\nx\r\n0\r\n\r\n", 400 },
        { "extension on the last chunk, ending in a bare LF", "0;ext\n\r\n", 400 },

        // Chunk data not followed by exactly CRLF.
        { "data followed by a bare LF", "1\r\nx\n0\r\n\r\n", 400 },
        { "data longer than its size", "1\r\nxy\r\n0\r\n\r\n", 400 },

        // Trailers: bounded like the header block.
        { "trailer ending in a bare LF", "0\r\nX-T: v\n\r\n", 400 },
        { "trailers over the header limit", "0\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"X-T{i}: {new string('v', 1000)}\r\n")) + "\r\n", 431 },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Chunked_attack_is_refused_and_nothing_behind_it_runs(string attack, string body, int status)
    {
        _ = attack;
        await using var fixture = await HostileFixture.StartAsync();

        await fixture.AssertRefusedAsync(ChunkedPost + body + HostileFixture.Smuggled, status);

        Assert.Empty(fixture.Recorder.Seen);
        await fixture.AssertNothingSmuggledAsync();
    }

    [Fact]
    public async Task A_body_cut_off_before_the_last_crlf_is_refused_400()
    {
        await using var fixture = await HostileFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync(ChunkedPost + "2\r\n{}\r\n0\r\n");
        client.ShutdownSend();
        var response = await client.ReadResponseAsync();

        Assert.Equal(400, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(fixture.Recorder.Seen);
    }

    [Fact]
    public async Task A_request_line_after_the_last_chunk_is_swallowed_as_a_trailer_not_run()
    {
        // "0\r\n" then a request line: a parser that ends the body at "0\r\n" would run it; here it is a trailer line,
        // discarded with the others, so only the POST is answered.
        await using var fixture = await HostileFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        const string Json = "{\"messages\": [{\"body\": 1, \"ttl\": 300}]}";
        await client.SendAsync($"{ChunkedPost}{Json.Length:x}\r\n{Json}\r\n0\r\n{HostileFixture.Smuggled}");
        var response = await client.ReadResponseAsync();

        Assert.True(response.Status == 201, $"{response.Status} {response.Text}");
        Assert.Equal(["POST /v2/queues/q/messages"], fixture.Recorder.Seen.ToArray());
        await fixture.AssertNothingSmuggledAsync();
    }

    [Fact]
    public async Task Many_tiny_chunks_with_extensions_are_decoded_and_bounded_by_the_body_limit()
    {
        // Extensions are ignored; only data counts against the body limit, so 100 one-byte chunks of an 8-byte limit is 413.
        await using var fixture = await HostileFixture.StartAsync(o => o with { MaxRequestBodySize = 8 });

        var chunks = string.Concat(Enumerable.Range(0, 100).Select(i => $"1;n={i};q=\"x\"\r\nx\r\n"));
        await fixture.AssertRefusedAsync(ChunkedPost + chunks + "0\r\n\r\n", 413);

        Assert.Empty(fixture.Recorder.Seen);
    }
}
