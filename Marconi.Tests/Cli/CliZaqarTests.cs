using System.Text.Json;
using Marconi.Client;
using Marconi.Tests.Client;

namespace Marconi.Tests.Cli;

/// <summary>The one-shot commands against the reference Zaqar 15: the tool speaks the standard API, not only ours.</summary>
public sealed class CliZaqarTests(ReferenceZaqarFixture zaqar) : IClassFixture<ReferenceZaqarFixture>
{
    private readonly string _project = "cli-zaqar-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonElement> Json(params string[] arguments)
    {
        var result = await MarconiProcess.RunAsync(["--url", zaqar.BaseAddress.AbsoluteUri, "--project", _project, .. arguments]);
        Assert.True(result.ExitCode == 0, $"marconi {string.Join(' ', arguments)}: {result}");
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Post_list_claim_delete_with_claim_stats_and_a_shared_url()
    {
        var queue = "cli-" + Guid.NewGuid().ToString("N")[..16];
        var ids = (await Json("post", queue, """{"n":1}""", """{"n":2}""")).GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Equal(ids, (await Json("list", queue)).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        var claim = await Json("claim", queue, "--limit", "1");
        var held = claim.GetProperty("messages")[0];
        await Json("delete", queue, held.GetProperty("id").GetString()!, "--claim", claim.GetProperty("claim_id").GetString()!);
        Assert.Equal(1, (await Json("queue", "stats", queue)).GetProperty("messages").GetProperty("total").GetInt32());

        var missing = await MarconiProcess.RunAsync(["--url", zaqar.BaseAddress.AbsoluteUri, "--project", _project, "claim", "get", queue, "00000000-0000-0000-0000-000000000000"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: 404 ", missing.Errors, StringComparison.Ordinal);

        var shared = await Json("share", queue, "--methods", "GET");
        var file = Path.Combine(Path.GetTempPath(), $"marconi-zaqar-share-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, shared.GetRawText());
            Assert.Equal(_project, SignedUrl.FromJson(shared.GetRawText()).Project);
            var listed = await MarconiProcess.RunAsync(["--url", zaqar.BaseAddress.AbsoluteUri, "--signed-url", file, "list", queue]);
            Assert.True(listed.ExitCode == 0, listed.ToString());
            Assert.Contains("\"n\": 2", listed.Output, StringComparison.Ordinal);
            var post = await MarconiProcess.RunAsync(["--url", zaqar.BaseAddress.AbsoluteUri, "--signed-url", file, "post", queue, "3"]);
            Assert.Equal(1, post.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }

        await Json("queue", "delete", queue);
    }
}
