namespace Marconi.Tests.Http.Hostile;

/// <summary>
/// Malformed request heads (line endings, folding, control characters, header names) that parsers disagree on: each is
/// refused 400 with <c>Connection: close</c> before the API sees anything, and the request smuggled behind never runs.
/// Complements HttpServerBadRequestTests, which checks the simplest form of several of these without a smuggled request.
/// </summary>
public sealed class HeadSyntaxAttackTests
{
    private static string Get => "GET /v2/queues HTTP/1.1\r\n";

    public static TheoryData<string, string> Attacks => new()
    {
        // Line endings: a parser that accepts a bare LF or CR as a line end sees different headers from one that does not.
        { "bare LF ends the request line", "GET /v2/queues HTTP/1.1\n" + HostileFixture.StandardHeaders + "\r\n" },
        { "bare LF ends the head", Get + HostileFixture.StandardHeaders + "\n" },
        { "bare LF inside a value hides a header", Get + HostileFixture.StandardHeaders + "X-A: b\nTransfer-Encoding: chunked\r\n\r\n" },
        { "bare CR in the request line", "GET /v2/queues\rX HTTP/1.1\r\n" + HostileFixture.StandardHeaders + "\r\n" },
        { "bare CR inside a value", Get + HostileFixture.StandardHeaders + "X-A: b\rTransfer-Encoding: chunked\r\n\r\n" },
        { "CR CR LF", Get + HostileFixture.StandardHeaders + "X-A: b\r\r\n\r\n" },

        // obs-fold: a folded line is a continuation to some parsers and a new (whitespace-named) header to others.
        { "obs-fold with a space", Get + HostileFixture.StandardHeaders + "X-A: b\r\n c\r\n\r\n" },
        { "obs-fold with a tab", Get + HostileFixture.StandardHeaders + "X-A: b\r\n\tc\r\n\r\n" },
        { "folded first header line", Get + " X-A: b\r\n" + HostileFixture.StandardHeaders + "\r\n" },

        // Control characters in values.
        { "NUL in a value", Get + HostileFixture.StandardHeaders + "X-A: b\0c\r\n\r\n" },
        { "SOH in a value", Get + HostileFixture.StandardHeaders + "X-A: b\u0001c\r\n\r\n" },
        { "DEL in a value", Get + HostileFixture.StandardHeaders + "X-A: b\u007fc\r\n\r\n" },
        { "form feed in a value", Get + HostileFixture.StandardHeaders + "X-A: b\fc\r\n\r\n" },
        { "NUL in Host", "GET /v2/queues HTTP/1.1\r\nHost: a\0b\r\nClient-ID: " + HostileFixture.ClientId + "\r\nX-Project-ID: p\r\n\r\n" },

        // Header names.
        { "space before the colon", Get + HostileFixture.StandardHeaders + "X-A : b\r\n\r\n" },
        { "tab before the colon", Get + HostileFixture.StandardHeaders + "X-A\t: b\r\n\r\n" },
        { "space inside the name", Get + HostileFixture.StandardHeaders + "X A: b\r\n\r\n" },
        { "empty name", Get + HostileFixture.StandardHeaders + ": b\r\n\r\n" },
        { "no colon", Get + HostileFixture.StandardHeaders + "X-A b\r\n\r\n" },
        { "NUL in the name", Get + HostileFixture.StandardHeaders + "X-\0A: b\r\n\r\n" },
        { "non-ASCII name", Get + HostileFixture.StandardHeaders + "X-\u00e9: b\r\n\r\n" },

        // Host: none, two, or one that names a different target.
        { "no Host in HTTP/1.1", "GET /v2/queues HTTP/1.1\r\nClient-ID: " + HostileFixture.ClientId + "\r\nX-Project-ID: p\r\n\r\n" },
        { "two Hosts", Get + HostileFixture.StandardHeaders + "Host: other\r\n\r\n" },
        { "Host with a path", "GET /v2/queues HTTP/1.1\r\nHost: a/b\r\nClient-ID: " + HostileFixture.ClientId + "\r\nX-Project-ID: p\r\n\r\n" },
        { "Host with userinfo", "GET /v2/queues HTTP/1.1\r\nHost: user@a\r\nClient-ID: " + HostileFixture.ClientId + "\r\nX-Project-ID: p\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Malformed_head_is_refused_400_and_nothing_behind_it_runs(string attack, string head)
    {
        _ = attack;
        await using var fixture = await HostileFixture.StartAsync();

        await fixture.AssertRefusedAsync(head + HostileFixture.Smuggled, 400);

        Assert.Empty(fixture.Recorder.Seen);
        await fixture.AssertNothingSmuggledAsync();
    }

    [Fact]
    public async Task Obs_text_in_a_value_is_accepted_as_latin1()
    {
        // RFC 9110 §5.5 allows obs-text (0x80-0xFF) in values; it is opaque data, not framing, so it reaches the API.
        await using var fixture = await HostileFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync(Get + HostileFixture.StandardHeaders + "X-A: caf\u00e9\r\n\r\n");

        var response = await client.ReadResponseAsync();

        Assert.True(response.Status is 200 or 204, $"{response.Status} {response.Text}");
        Assert.Equal(["GET /v2/queues"], fixture.Recorder.Seen.ToArray());
    }
}
