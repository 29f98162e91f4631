namespace Marconi.Tests.Http.Hostile;

/// <summary>
/// Request-smuggling and desync attempts on body framing (Content-Length, Transfer-Encoding): each is refused with its
/// documented status and <c>Connection: close</c>, the API never sees the request, and a complete request smuggled
/// behind it (<see cref="HostileFixture.Smuggled"/>) is never processed.
/// </summary>
public sealed class FramingAttackTests
{
    private const string Post = "POST /v2/queues/q/messages HTTP/1.1\r\n";
    private const string Chunked = "Transfer-Encoding: chunked\r\n";
    private const string EmptyChunkedBody = "0\r\n\r\n";

    public static TheoryData<string, string, int> Attacks => new()
    {
        // Both framings: a front end that honours one and a back end that honours the other disagree on where the body ends.
        { "CL then TE", $"Content-Length: 5\r\n{Chunked}", 400 },
        { "TE then CL", $"{Chunked}Content-Length: 5\r\n", 400 },
        { "CL with TE identity", "Content-Length: 5\r\nTransfer-Encoding: identity\r\n", 400 },
        { "CL with TE in upper case", "Content-Length: 5\r\nTRANSFER-ENCODING: CHUNKED\r\n", 400 },

        // Transfer codings other than a single, final chunked.
        { "TE identity", "Transfer-Encoding: identity\r\n", 400 },
        { "TE gzip alone", "Transfer-Encoding: gzip\r\n", 400 },
        { "TE chunked then gzip", "Transfer-Encoding: chunked, gzip\r\n", 400 },
        { "TE xchunked", "Transfer-Encoding: xchunked\r\n", 400 },
        { "TE chunked with a parameter", "Transfer-Encoding: chunked;q=1\r\n", 400 },
        { "TE empty", "Transfer-Encoding: \r\n", 400 },
        { "TE only commas", "Transfer-Encoding: , ,\r\n", 400 },
        { "TE with a vertical tab", "Transfer-Encoding: \vchunked\r\n", 400 },
        { "TE repeated, last identity", $"{Chunked}Transfer-Encoding: identity\r\n", 400 },
        { "TE identity then chunked", "Transfer-Encoding: identity, chunked\r\n", 501 },
        { "TE gzip then chunked", "Transfer-Encoding: gzip, chunked\r\n", 501 },
        { "TE chunked twice in one header", "Transfer-Encoding: chunked, chunked\r\n", 501 },
        { "TE header repeated", $"{Chunked}{Chunked}", 501 },
        { "TE name with space before colon", "Transfer-Encoding : chunked\r\n", 400 },
        { "TE folded onto the next line", "Transfer-Encoding:\r\n chunked\r\n", 400 },

        // Content-Length that is not exactly one run of digits.
        { "CL repeated, same value", "Content-Length: 5\r\nContent-Length: 5\r\n", 400 },
        { "CL repeated, different values", "Content-Length: 5\r\nContent-Length: 0\r\n", 400 },
        { "CL list", "Content-Length: 5, 5\r\n", 400 },
        { "CL with plus sign", "Content-Length: +5\r\n", 400 },
        { "CL with minus sign", "Content-Length: -5\r\n", 400 },
        { "CL with inner space", "Content-Length: 5 0\r\n", 400 },
        { "CL in hex", "Content-Length: 0x5\r\n", 400 },
        { "CL with a decimal point", "Content-Length: 5.0\r\n", 400 },
        { "CL empty", "Content-Length: \r\n", 400 },
        { "CL past a long", "Content-Length: 99999999999999999999\r\n", 400 },
        { "CL with space before colon", "Content-Length : 5\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Framing_attack_is_refused_and_nothing_behind_it_runs(string attack, string framingHeaders, int status)
    {
        _ = attack;
        await using var fixture = await HostileFixture.StartAsync();

        // The body is "0\r\n\r\n", 5 bytes, to a chunked and a Content-Length parser alike; after it a valid
        // request follows, which a desynchronised parser would run.
        await fixture.AssertRefusedAsync($"{Post}{HostileFixture.StandardHeaders}{framingHeaders}\r\n{EmptyChunkedBody}{HostileFixture.Smuggled}", status);

        Assert.Empty(fixture.Recorder.Seen);
        await fixture.AssertNothingSmuggledAsync();
    }

    [Fact]
    public async Task Transfer_encoding_in_http10_is_refused_even_with_keep_alive()
    {
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing (a 1.0 front end cannot mean chunked).
        await using var fixture = await HostileFixture.StartAsync();

        await fixture.AssertRefusedAsync(
            $"POST /v2/queues/q/messages HTTP/1.0\r\n{HostileFixture.StandardHeaders}Connection: keep-alive\r\n{Chunked}\r\n{EmptyChunkedBody}{HostileFixture.Smuggled}",
            400);

        Assert.Empty(fixture.Recorder.Seen);
        await fixture.AssertNothingSmuggledAsync();
    }

    [Fact]
    public async Task Body_bytes_beyond_content_length_are_the_next_request_not_part_of_this_one()
    {
        // The control case: with one valid Content-Length the server frames exactly like any other parser, so the bytes
        // after the body are an ordinary pipelined request, answered in order on the same connection.
        await using var fixture = await HostileFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync($"PUT /v2/queues/q HTTP/1.1\r\n{HostileFixture.StandardHeaders}Content-Length: 2\r\n\r\n{{}}GET /v2/queues/q/stats HTTP/1.1\r\n{HostileFixture.StandardHeaders}\r\n");

        Assert.Equal(201, (await client.ReadResponseAsync()).Status);
        Assert.Equal(200, (await client.ReadResponseAsync()).Status);
        Assert.Equal(["PUT /v2/queues/q", "GET /v2/queues/q/stats"], fixture.Recorder.Seen.ToArray());
    }

    [Fact]
    public async Task Transfer_coding_names_are_case_insensitive()
    {
        // RFC 9112 §7: "Chunked" is chunked. Refusing it would be safe but would break clients that spell it so.
        await using var fixture = await HostileFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync($"PUT /v2/queues/q HTTP/1.1\r\n{HostileFixture.StandardHeaders}Transfer-Encoding: Chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n");

        Assert.Equal(201, (await client.ReadResponseAsync()).Status);
    }
}
