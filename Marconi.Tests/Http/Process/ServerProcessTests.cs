using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

using Marconi.Tests.Support;

namespace Marconi.Tests.Http.Process;

/// <summary>
/// The server binary as operators run it: start-up line, options, SIGTERM, acknowledged writes surviving SIGKILL, and one
/// server per data directory.
/// </summary>
public sealed class ServerProcessTests
{
    private const string ClientId = "3381af92-2b9e-11e3-b191-28cfe91478b9";

    [Fact]
    public async Task Help_documents_the_options_and_a_bad_option_exits_2()
    {
        var (helpCode, helpOutput, _) = await RunToEndAsync("--help");
        Assert.Equal(0, helpCode);
        foreach (var option in new[] { "--listen", "--data-dir", "--config", "--tls-cert", "--tls-key", "--signed-url-key-file", "MARCONI_LISTEN", "MARCONI_DATA_DIR", "MARCONI_CONFIG", "MARCONI_SIGNED_URL_KEY", "maxMessagesPostSize" })
        {
            Assert.Contains(option, helpOutput, StringComparison.Ordinal);
        }

        var (badCode, _, badErrors) = await RunToEndAsync("--no-such-option");
        Assert.Equal(2, badCode);
        Assert.Contains("--no-such-option", badErrors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inconsistent_limits_in_the_config_file_exit_2_naming_the_key()
    {
        var config = Path.Combine(Path.GetTempPath(), $"marconi-limits-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, """{"limits": {"maxPageSize": 5}}""");
        try
        {
            var (code, output, errors) = await RunToEndAsync("--config", config);
            Assert.Equal(2, code);
            Assert.Empty(output);
            Assert.Contains("'limits.defaultPageSize' (10) is greater than 'limits.maxPageSize' (5)", errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Configured_limits_and_signed_url_key_reach_the_api()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("marconi-server-").FullName;
        try
        {
            // A post size above the HTTP server's default body cap: the cap must follow the configured limit.
            var config = Path.Combine(dataDirectory, "config.json");
            await File.WriteAllTextAsync(config, """{"limits": {"maxMessagesPostSize": 400000, "maxPageSize": 2, "defaultPageSize": 1}}""");
            var environment = new Dictionary<string, string> { ["MARCONI_SIGNED_URL_KEY"] = "process-test-key" };
            var store = Directory.CreateDirectory(Path.Combine(dataDirectory, "store")).FullName;
            using var server = await RunningServer.StartAsync(store, ["--config", config], environment);

            var body = new string('x', 300_000);
            using var post = Request(HttpMethod.Post, server.Url + "/v2/queues/big/messages", $$"""{"messages":[{"body":"{{body}}"},{"body":1},{"body":2}]}""");
            using var posted = await server.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

            using var list = Request(HttpMethod.Get, server.Url + "/v2/queues/big/messages?echo=true&limit=3", null);
            using var listed = await server.Http.SendAsync(list);
            Assert.Equal(HttpStatusCode.BadRequest, listed.StatusCode);

            using var share = Request(HttpMethod.Post, server.Url + "/v2/queues/big/share", "{}");
            using var shared = await server.Http.SendAsync(share);
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
            using var document = JsonDocument.Parse(await shared.Content.ReadAsStringAsync());
            Assert.Equal(64, document.RootElement.GetProperty("signature").GetString()!.Length);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_server_on_a_data_directory_in_use_exits_1_and_the_first_keeps_serving()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("marconi-server-").FullName;
        try
        {
            using var first = await RunningServer.StartAsync(dataDirectory);
            using (var put = Request(HttpMethod.Put, $"{first.Url}/v2/queues/held", null))
            {
                Assert.Equal(HttpStatusCode.Created, (await first.Http.SendAsync(put)).StatusCode);
            }

            var (code, output, errors) = await RunToEndAsync("--listen", "127.0.0.1:0", "--data-dir", dataDirectory);
            Assert.True(code == 1, $"exit {code}\n{output}\n{errors}");
            Assert.Contains("in use by another open store", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Marconi listening on", output, StringComparison.Ordinal);

            using (var get = Request(HttpMethod.Get, $"{first.Url}/v2/queues/held/stats", null))
            {
                Assert.Equal(HttpStatusCode.OK, (await first.Http.SendAsync(get)).StatusCode);
            }

            Assert.Equal(0, await first.StopAsync());
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Acknowledged_writes_survive_sigkill_and_sigterm_exits_0()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("marconi-server-").FullName;
        try
        {
            string id;
            string subscriptionId;
            using (var first = await RunningServer.StartAsync(dataDirectory))
            {
                using var subscribe = Request(HttpMethod.Post, first.Url + "/v2/queues/orders/subscriptions", """{"subscriber":"mailto:ops@example.test","ttl":3600,"options":{"k":1}}""");
                using var subscribed = await first.Http.SendAsync(subscribe);
                Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
                using (var created = JsonDocument.Parse(await subscribed.Content.ReadAsStringAsync()))
                {
                    subscriptionId = created.RootElement.GetProperty("subscription_id").GetString()!;
                }

                using var confirm = Request(HttpMethod.Put, first.Url + "/v2/queues/orders/subscriptions/" + subscriptionId + "/confirm", """{"confirmed":true}""");
                using var confirmed = await first.Http.SendAsync(confirm);
                Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);

                using var post = Request(HttpMethod.Post, first.Url + "/v2/queues/orders/messages", """{"messages":[{"body":{"order":42,"note":"é"},"ttl":600}]}""");
                using var posted = await first.Http.SendAsync(post);
                Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
                using var resources = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
                var href = resources.RootElement.GetProperty("resources")[0].GetString()!;
                id = href[(href.LastIndexOf('/') + 1)..];
                first.Process.Kill();
                await first.Process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
            }

            using var second = await RunningServer.StartAsync(dataDirectory);
            using var get = Request(HttpMethod.Get, second.Url + "/v2/queues/orders/messages/" + id, null);
            using var got = await second.Http.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
            using var message = JsonDocument.Parse(await got.Content.ReadAsStringAsync());
            Assert.Equal(42, message.RootElement.GetProperty("body").GetProperty("order").GetInt32());
            Assert.Equal("é", message.RootElement.GetProperty("body").GetProperty("note").GetString());
            using var getSubscription = Request(HttpMethod.Get, second.Url + "/v2/queues/orders/subscriptions/" + subscriptionId, null);
            using var gotSubscription = await second.Http.SendAsync(getSubscription);
            Assert.Equal(HttpStatusCode.OK, gotSubscription.StatusCode);
            using var subscription = JsonDocument.Parse(await gotSubscription.Content.ReadAsStringAsync());
            Assert.Equal("mailto:ops@example.test", subscription.RootElement.GetProperty("subscriber").GetString());
            Assert.True(subscription.RootElement.GetProperty("confirmed").GetBoolean());

            using var term = System.Diagnostics.Process.Start("kill", ["-TERM", second.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await second.Process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, second.Process.ExitCode);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, string? json)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Client-ID", ClientId);
        request.Headers.Add("X-Project-ID", "process-tests");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static async Task<(int Code, string Output, string Errors)> RunToEndAsync(params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(RunningServer.StartInfo(arguments, Path.GetTempPath()))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
