namespace Marconi.Tests.Http.Hostile;

/// <summary>
/// Hostile request lines: methods, versions, target forms and paths whose meaning depends on who decodes them. What the
/// HTTP layer refuses answers with <c>Connection: close</c> and never reaches the API; what it lets through (a token
/// method it does not know, a path that decodes to something harmless) is answered by the API on a connection that stays usable.
/// </summary>
public sealed class RequestLineAttackTests
{
    public static TheoryData<string, string, int> Refused => new()
    {
        // Methods.
        { "method with a space", "GE T /v2/queues HTTP/1.1" , 400 },
        { "method with a control character", "G\u0001T /v2/queues HTTP/1.1", 400 },
        { "method with a separator", "GET:X /v2/queues HTTP/1.1", 400 },
        { "empty method", " /v2/queues HTTP/1.1", 400 },
        { "method longer than the request line limit", new string('A', 9000) + " /v2/queues HTTP/1.1", 431 },

        // Versions.
        { "HTTP/2.0", "GET /v2/queues HTTP/2.0", 505 },
        { "HTTP/1.2", "GET /v2/queues HTTP/1.2", 505 },
        { "HTTP/1.10", "GET /v2/queues HTTP/1.10", 505 },
        { "HTTP/3", "GET /v2/queues HTTP/3", 505 },
        { "HTTP/2 prior-knowledge preface", "PRI * HTTP/2.0", 505 },
        { "lower-case version", "GET /v2/queues http/1.1", 400 },
        { "HTTP/0.9 form (no version)", "GET /v2/queues", 400 },
        { "two spaces before the target", "GET  /v2/queues HTTP/1.1", 400 },
        { "two spaces before the version", "GET /v2/queues  HTTP/1.1", 400 },
        { "space after the version", "GET /v2/queues HTTP/1.1 ", 400 },
        { "tab as separator", "GET\t/v2/queues\tHTTP/1.1", 400 },

        // Target forms other than origin-form: this server is not a proxy.
        { "absolute-form", "GET http://127.0.0.1/v2/queues HTTP/1.1", 400 },
        { "absolute-form https", "GET https://evil.example/v2/queues HTTP/1.1", 400 },
        { "authority-form", "CONNECT 127.0.0.1:443 HTTP/1.1", 400 },
        { "asterisk-form for GET", "GET * HTTP/1.1", 400 },
        { "asterisk-form for OPTIONS", "OPTIONS * HTTP/1.1", 400 },
        { "relative path", "GET v2/queues HTTP/1.1", 400 },

        // Paths that would mean something else once decoded or normalised.
        { "dot-dot", "GET /v2/queues/../queues HTTP/1.1", 400 },
        { "trailing dot-dot", "GET /v2/queues/q/.. HTTP/1.1", 400 },
        { "encoded dot-dot, lower case", "GET /v2/queues/%2e%2e/queues HTTP/1.1", 400 },
        { "half-encoded dot-dot", "GET /v2/queues/.%2E/queues HTTP/1.1", 400 },
        { "encoded slash", "GET /v2/queues/a%2Fb HTTP/1.1", 400 },
        { "encoded slash, lower case", "GET /v2/queues/a%2fb HTTP/1.1", 400 },
        { "encoded dot-dot-slash", "GET /v2/queues/%2e%2e%2fqueues HTTP/1.1", 400 },
        { "overlong UTF-8 dot-dot", "GET /v2/queues/%c0%ae%c0%ae/queues HTTP/1.1", 400 },
        { "overlong UTF-8 slash", "GET /v2/queues/a%c0%afb HTTP/1.1", 400 },
        { "invalid UTF-8", "GET /v2/queues/%ff HTTP/1.1", 400 },
        { "UTF-16 surrogate in UTF-8", "GET /v2/queues/%ed%a0%80 HTTP/1.1", 400 },
        { "encoded NUL", "GET /v2/queues/q%00.json HTTP/1.1", 400 },
        { "encoded LF", "GET /v2/queues/q%0aX HTTP/1.1", 400 },
        { "encoded CR LF", "GET /v2/queues/q%0d%0aX-Injected:%20yes HTTP/1.1", 400 },
        { "truncated escape", "GET /v2/queues/q% HTTP/1.1", 400 },
        { "bad escape", "GET /v2/queues/q%g1 HTTP/1.1", 400 },
        { "raw non-ASCII byte", "GET /v2/queues/caf\u00e9 HTTP/1.1", 400 },
        { "raw DEL", "GET /v2/queues/q\u007f HTTP/1.1", 400 },
        { "raw NUL in the query", "GET /v2/queues?x=\0 HTTP/1.1", 400 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Hostile_request_line_is_refused_and_nothing_behind_it_runs(string attack, string requestLine, int status)
    {
        _ = attack;
        await using var fixture = await HostileFixture.StartAsync();

        await fixture.AssertRefusedAsync($"{requestLine}\r\n{HostileFixture.StandardHeaders}\r\n{HostileFixture.Smuggled}", status);

        Assert.Empty(fixture.Recorder.Seen);
        await fixture.AssertNothingSmuggledAsync();
    }

    public static TheoryData<string, string, string, int> PassedToTheApi => new()
    {
        // Any token is a method to HTTP; the API knows only its own, case-sensitively, and answers 405 with Allow.
        { "lower-case method", "get /v2/queues", "get /v2/queues", 405 },
        { "unknown method", "BREW /v2/queues", "BREW /v2/queues", 405 },
        { "long method within the line limit", new string('A', 8000) + " /v2/queues", new string('A', 8000) + " /v2/queues", 405 },

        // Decoded exactly once: a double-encoded dot-dot is the literal queue name "%2e%2e", which the API refuses as a name.
        { "double-encoded dot-dot", "GET /v2/queues/%252e%252e", "GET /v2/queues/%2e%2e", 400 },

        // A single dot is not a traversal; no route contains one, so it is just an unknown path.
        { "dot segment", "GET /v2/./queues", "GET /v2/./queues", 404 },

        // A backslash is an ordinary character here (not a separator), so it cannot climb out of a path.
        { "backslash dot-dot", "GET /v2/queues/..\\..\\x", "GET /v2/queues/..\\..\\x", 400 },
    };

    [Theory]
    [MemberData(nameof(PassedToTheApi))]
    public async Task Odd_but_well_formed_request_line_reaches_the_api_once_and_the_connection_stays_usable(string attack, string requestLine, string seen, int status)
    {
        _ = attack;
        await using var fixture = await HostileFixture.StartAsync();
        await using var client = await fixture.ConnectAsync();

        await client.SendAsync($"{requestLine} HTTP/1.1\r\n{HostileFixture.StandardHeaders}\r\n");
        var response = await client.ReadResponseAsync();

        Assert.True(status == response.Status, $"expected {status}, got {response.Status} {response.Text}");
        Assert.Null(response.Header("Connection"));
        Assert.Equal([seen], fixture.Recorder.Seen.ToArray());

        await client.SendAsync($"GET /v2/queues HTTP/1.1\r\n{HostileFixture.StandardHeaders}\r\n");
        Assert.True((await client.ReadResponseAsync()).Status is 200 or 204);
    }
}
