using System.Text.Json;
using Marconi.Client;
using Marconi.Tests.Client;

namespace Marconi.Tests.Cli;

/// <summary>The one-shot `marconi` commands as processes against the real server binary: exit codes, stdout JSON, stderr errors.</summary>
public sealed class CliCommandTests(OurServerFixture server) : IClassFixture<OurServerFixture>
{
    private readonly string _project = "cli-" + Guid.NewGuid().ToString("N")[..12];

    private static string NewQueueName() => "cli-q-" + Guid.NewGuid().ToString("N")[..16];

    private Task<MarconiProcess.Result> Marconi(params string[] arguments) =>
        MarconiProcess.RunAsync(["--url", server.BaseAddress.AbsoluteUri, "--project", _project, .. arguments]);

    /// <summary>Runs and expects exit code 0 and JSON on stdout.</summary>
    private async Task<JsonElement> Json(params string[] arguments)
    {
        var result = await Marconi(arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Errors);
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Queue_create_metadata_list_stats_and_delete()
    {
        var queue = NewQueueName();
        Assert.True((await Json("queue", "create", queue, "--metadata", """{"team":"ops"}""")).GetProperty("created").GetBoolean());
        Assert.False((await Json("queue", "create", queue)).GetProperty("created").GetBoolean());

        var set = await Json("queue", "metadata", "set", queue, "_default_message_ttl", "120");
        Assert.Equal(120, set.GetProperty("_default_message_ttl").GetInt32());
        Assert.Equal("ops", set.GetProperty("team").GetString());
        var asString = await Json("queue", "metadata", "set", queue, "owner", "alice");
        Assert.Equal("alice", asString.GetProperty("owner").GetString());
        var removed = await Json("queue", "metadata", "remove", queue, "owner");
        Assert.False(removed.TryGetProperty("owner", out _));
        Assert.Equal("ops", (await Json("queue", "get", queue)).GetProperty("team").GetString());
        Assert.Equal(120, (await Json("queue", "metadata", "get", queue)).GetProperty("_default_message_ttl").GetInt32());

        var listed = await Json("queue", "list", "--detailed", "--all");
        var entry = Assert.Single(listed.GetProperty("queues").EnumerateArray(), q => q.GetProperty("name").GetString() == queue);
        Assert.Equal("ops", entry.GetProperty("metadata").GetProperty("team").GetString());

        var stats = (await Json("queue", "stats", queue)).GetProperty("messages");
        Assert.Equal(0, stats.GetProperty("total").GetInt32());

        Assert.Equal(queue, (await Json("queue", "delete", queue)).GetProperty("deleted").GetString());
        Assert.DoesNotContain((await Json("queue", "list", "--all")).GetProperty("queues").EnumerateArray(), q => q.GetProperty("name").GetString() == queue);
    }

    [Fact]
    public async Task Post_list_get_claim_update_delete_with_claim_release_pop_and_purge()
    {
        var queue = NewQueueName();
        var posted = await Json("post", queue, """{"n":1}""", "2", "--ttl", "600");
        var ids = posted.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.Equal(2, ids.Count);
        var fromStdin = await MarconiProcess.RunAsync(["--url", server.BaseAddress.AbsoluteUri, "--project", _project, "post", queue, "-"], stdin: "\"three\"\n\n{\"n\":4}\n");
        Assert.True(fromStdin.ExitCode == 0, fromStdin.ToString());
        using (var stdinIds = JsonDocument.Parse(fromStdin.Output))
        {
            ids.AddRange(stdinIds.RootElement.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!));
        }

        Assert.Equal(4, ids.Count);

        // Each run is a new Client-ID, so the messages posted above are listed without --echo.
        var listed = await Json("list", queue, "--limit", "20");
        Assert.Equal(ids, listed.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(600, listed.GetProperty("messages")[0].GetProperty("ttl").GetInt32());
        Assert.Equal("three", listed.GetProperty("messages")[2].GetProperty("body").GetString());

        var one = await Json("get", queue, ids[0]);
        Assert.Equal(1, one.GetProperty("body").GetProperty("n").GetInt32());
        var two = await Json("get", queue, ids[0], ids[1]);
        Assert.Equal(2, two.GetProperty("messages").GetArrayLength());

        var claim = await Json("claim", queue, "--limit", "1", "--ttl", "60");
        var claimId = claim.GetProperty("claim_id").GetString()!;
        var held = claim.GetProperty("messages")[0].GetProperty("id").GetString()!;
        Assert.Equal(ids[0], held);

        var forbidden = await Marconi("delete", queue, held);
        Assert.Equal(1, forbidden.ExitCode);
        Assert.StartsWith("error: 403 ", forbidden.Errors, StringComparison.Ordinal);
        Assert.Equal(string.Empty, forbidden.Output);

        Assert.Equal(120, (await Json("claim", "update", queue, claimId, "--ttl", "120")).GetProperty("ttl").GetInt32());
        Assert.Equal(claimId, (await Json("claim", "get", queue, claimId)).GetProperty("claim_id").GetString());
        await Json("delete", queue, held, "--claim", claimId);
        var afterDelete = (await Json("queue", "stats", queue)).GetProperty("messages");
        Assert.Equal((3, 0), (afterDelete.GetProperty("total").GetInt32(), afterDelete.GetProperty("claimed").GetInt32()));

        var second = await Json("claim", queue, "--limit", "1");
        await Json("claim", "release", queue, second.GetProperty("claim_id").GetString()!);
        Assert.Equal(0, (await Json("queue", "stats", queue)).GetProperty("messages").GetProperty("claimed").GetInt32());

        var popped = await Json("pop", queue, "--limit", "2");
        Assert.Equal(new[] { ids[1], ids[2] }.Order(), popped.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).Order());
        await Json("delete", queue, ids[3], ids[0]);
        Assert.Empty((await Json("list", queue)).GetProperty("messages").EnumerateArray());

        await Json("post", queue, "5");
        await Json("purge", queue);
        Assert.Equal(0, (await Json("queue", "stats", queue)).GetProperty("messages").GetProperty("total").GetInt32());
        Assert.Empty((await Json("claim", queue)).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Json_flag_prints_one_compact_line()
    {
        var queue = NewQueueName();
        var result = await Marconi("--json", "post", queue, """{"a":[1,2]}""");
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("""{"ids":[""", line, StringComparison.Ordinal);
        var listed = await Marconi("--json", "list", queue);
        Assert.Contains("\"body\":{\"a\":[1,2]}", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_errors_exit_1_with_the_servers_title_and_usage_errors_exit_2()
    {
        var queue = NewQueueName();
        var missing = await Marconi("get", queue, "no-such-id");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: 404 ", missing.Errors, StringComparison.Ordinal);
        Assert.Equal(string.Empty, missing.Output);

        var badTtl = await Marconi("claim", queue, "--ttl", "5");
        Assert.Equal(1, badTtl.ExitCode);
        Assert.StartsWith("error: 400 ", badTtl.Errors, StringComparison.Ordinal);

        var badName = await Marconi("queue", "create", "bad name!");
        Assert.Equal(1, badName.ExitCode);
        Assert.Contains("400", badName.Errors, StringComparison.Ordinal);

        string[][] usages = [["post", queue], ["post", queue, "{not json"], ["queue"], ["claim", "update", queue, "c"], ["nope"], ["list"], ["queue", "create", queue, "--metadata", "[1]"], ["delete", queue, "a", "b", "--claim", "c"]];
        foreach (var usage in usages)
        {
            var result = await Marconi(usage);
            Assert.True(result.ExitCode == 2, $"marconi {string.Join(' ', usage)}: {result}");
            Assert.NotEqual(string.Empty, result.Errors);
            Assert.Equal(string.Empty, result.Output);
        }

        var noProject = await MarconiProcess.RunAsync(["--url", server.BaseAddress.AbsoluteUri, "list", queue]);
        Assert.Equal(2, noProject.ExitCode);
        Assert.Contains("MARCONI_PROJECT", noProject.Errors, StringComparison.Ordinal);

        // Nothing was posted by any of the failed commands.
        Assert.Equal(0, (await Json("queue", "stats", queue)).GetProperty("messages").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Environment_gives_the_defaults_and_an_unreachable_server_is_exit_1()
    {
        var queue = NewQueueName();
        var environment = new Dictionary<string, string> { ["MARCONI_URL"] = server.BaseAddress.AbsoluteUri, ["MARCONI_PROJECT"] = _project };
        var posted = await MarconiProcess.RunAsync(["post", queue, "1"], environment);
        Assert.True(posted.ExitCode == 0, posted.ToString());
        Assert.Equal(1, (await Json("queue", "stats", queue)).GetProperty("messages").GetProperty("total").GetInt32());

        // A port nothing listens on: the connection is refused on every attempt.
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var refused = await MarconiProcess.RunAsync(["--url", $"http://127.0.0.1:{port}", "--project", _project, "ping"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"error: cannot reach http://127.0.0.1:{port}", refused.Errors, StringComparison.Ordinal);
        var badUrl = await MarconiProcess.RunAsync(["--url", "ftp://x", "--project", _project, "ping"]);
        Assert.Equal(2, badUrl.ExitCode);
        var badClientId = await MarconiProcess.RunAsync(["ping"], new Dictionary<string, string>(environment) { ["MARCONI_CLIENT_ID"] = "not-a-uuid" });
        Assert.Equal(2, badClientId.ExitCode);
        Assert.Contains("MARCONI_CLIENT_ID", badClientId.Errors, StringComparison.Ordinal);

        // With a fixed Client-ID (from the environment) a message posted under it is hidden from a listing without --echo.
        var fixedId = new Dictionary<string, string>(environment) { ["MARCONI_CLIENT_ID"] = Guid.NewGuid().ToString() };
        var echoQueue = NewQueueName();
        Assert.Equal(0, (await MarconiProcess.RunAsync(["post", echoQueue, "7"], fixedId)).ExitCode);
        Assert.DoesNotContain("\"body\": 7", (await MarconiProcess.RunAsync(["list", echoQueue], fixedId)).Output, StringComparison.Ordinal);
        Assert.Contains("\"body\": 7", (await MarconiProcess.RunAsync(["list", echoQueue, "--echo"], fixedId)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_from_the_environment_is_sent_and_help_does_not_print_it()
    {
        const string secret = "secret-token-4b1d";
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var environment = new Dictionary<string, string> { ["MARCONI_URL"] = $"http://127.0.0.1:{port}", ["MARCONI_PROJECT"] = _project, ["MARCONI_TOKEN"] = secret };

        var help = await MarconiProcess.RunAsync(["post", "--help"], environment);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--token", help.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, help.Output, StringComparison.Ordinal);

        // One request, answered 204 by hand: its headers are what the tool sent.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ping = MarconiProcess.RunAsync(["ping"], environment);
        using var connection = await listener.AcceptTcpClientAsync(deadline.Token);
        var stream = connection.GetStream();
        var request = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            Assert.True(read > 0, $"the connection closed before the request ended: {request}");
            request.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), deadline.Token);
        var result = await ping;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("GET /v2/ping ", request.ToString(), StringComparison.Ordinal);
        Assert.Contains($"X-Auth-Token: {secret}\r\n", request.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"X-Project-ID: {_project}\r\n", request.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Share_prints_a_signed_url_that_signed_url_acts_under()
    {
        var queue = NewQueueName();
        await Json("queue", "create", queue);
        var share = await Marconi("share", queue, "--paths", "messages", "--methods", "GET,POST", "--expires-in", "3600");
        Assert.True(share.ExitCode == 0, share.ToString());
        var signed = SignedUrl.FromJson(share.Output);
        Assert.Equal(_project, signed.Project);

        var file = Path.Combine(Path.GetTempPath(), $"marconi-share-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, share.Output);
            string[] guest = ["--url", server.BaseAddress.AbsoluteUri, "--signed-url", file];
            var posted = await MarconiProcess.RunAsync([.. guest, "post", queue, """{"via":"cli"}"""]);
            Assert.True(posted.ExitCode == 0, posted.ToString());
            var listed = await MarconiProcess.RunAsync([.. guest, "list", queue]);
            Assert.True(listed.ExitCode == 0, listed.ToString());
            Assert.Contains("\"via\": \"cli\"", listed.Output, StringComparison.Ordinal);

            var claim = await MarconiProcess.RunAsync([.. guest, "claim", queue]);
            Assert.Equal(1, claim.ExitCode);
            Assert.StartsWith("error: 404", claim.Errors, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, "{}");
            var broken = await MarconiProcess.RunAsync([.. guest, "list", queue]);
            Assert.Equal(2, broken.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Subscription_create_list_update_confirm_and_delete()
    {
        var queue = NewQueueName();
        await Json("queue", "create", queue);
        var id = (await Json("subscription", "create", queue, "http://127.0.0.1:9/hook", "--ttl", "600", "--options", """{"k":"v"}""")).GetProperty("subscription_id").GetString()!;
        var listed = await Json("subscription", "list", queue);
        var only = Assert.Single(listed.GetProperty("subscriptions").EnumerateArray());
        Assert.Equal((id, "v"), (only.GetProperty("id").GetString(), only.GetProperty("options").GetProperty("k").GetString()));
        Assert.Equal(1200, (await Json("subscription", "update", queue, id, "--ttl", "1200")).GetProperty("ttl").GetInt32());
        await Json("subscription", "confirm", queue, id);
        Assert.True((await Json("subscription", "get", queue, id)).GetProperty("confirmed").GetBoolean());
        await Json("subscription", "delete", queue, id);
        Assert.Equal(1, (await Marconi("subscription", "get", queue, id)).ExitCode);
        Assert.Equal(2, (await Marconi("subscription", "update", queue, id)).ExitCode);
    }

    [Fact]
    public async Task Ping_and_health()
    {
        Assert.True((await Json("ping")).GetProperty("ping").GetBoolean());
        Assert.True((await Json("health")).GetProperty("storage_reachable").GetBoolean());
    }
}
