using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Marconi.Tests.Packaging;

/// <summary>
/// The NuGet packages and the server tool as users get them: packed from this repository, installed from a local feed
/// into a fresh app and a fresh tool folder, and run.
/// </summary>
public sealed partial class PackagingTests(PackedPackages packages) : IClassFixture<PackedPackages>
{
    private const string ClientId = "3381af92-2b9e-11e3-b191-28cfe91478b9";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Library_packages_carry_docs_readme_license_and_depend_on_each_other_by_version()
    {
        Assert.DoesNotContain("warning NU5", packages.PackOutput, StringComparison.Ordinal);
        foreach (var id in PackedPackages.Libraries)
        {
            using var package = ZipFile.OpenRead(packages.PackagePath(id));
            var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (var expected in new[] { "README.md", "LICENSE", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml" })
            {
                Assert.True(entries.Contains(expected), $"{id} has no {expected}: {string.Join(", ", entries)}");
            }

            var docs = XDocument.Load(package.GetEntry($"lib/net10.0/{id}.xml")!.Open());
            Assert.True(docs.Descendants("member").Count() > 5, $"{id}'s XML docs are nearly empty");

            var metadata = Nuspec(package);
            Assert.Equal(id, Text(metadata, "id"));
            Assert.Equal(packages.Version, Text(metadata, "version"));
            Assert.Equal("README.md", Text(metadata, "readme"));
            Assert.Equal("MIT", Text(metadata, "license"));
            Assert.False(string.IsNullOrWhiteSpace(Text(metadata, "description")));

            var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
                .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value, StringComparer.Ordinal);
            if (id is "Marconi.Core" or "Marconi.Client")
            {
                Assert.DoesNotContain(dependencies.Keys, d => d.StartsWith("Marconi.", StringComparison.Ordinal));
            }
            else
            {
                Assert.True(dependencies.TryGetValue("Marconi.Core", out var coreVersion), $"{id} does not depend on the Marconi.Core package");
                Assert.Equal(packages.Version, coreVersion);
            }
        }
    }

    [Fact]
    public async Task A_fresh_app_on_the_packages_posts_lists_claims_and_deletes_through_the_client_and_keeps_the_rest()
    {
        var app = Path.Combine(packages.Root, "app");
        Directory.CreateDirectory(app);
        packages.WriteNuGetConfig(app);
        var references = string.Concat(
            new[] { "Marconi.Core", "Marconi.Storage.Faster", "Marconi.Http", "Marconi.Client" }
                .Select(id => $"""    <PackageReference Include="{id}" Version="{packages.Version}" />""" + "\n"));
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(PackedPackages.RepositoryRoot, "Marconi.Samples.Hosting", "Program.cs"), Path.Combine(app, "Program.cs"));

        await DotnetCli.RunAsync("dotnet", ["build", "-c", "Release", "-o", Path.Combine(app, "out"), "--disable-build-servers", "-nodeReuse:false"], app, BuildTimeout);

        // The packages came from this run's feed, not from a project reference or another version.
        var assets = await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"Marconi.Storage.Faster/{packages.Version}\"", assets, StringComparison.Ordinal);

        var data = Path.Combine(app, "data");
        var output = await DotnetCli.RunAsync("dotnet", [Path.Combine(app, "out", "App.dll"), data], app, RunTimeout);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("stderr: ", StringComparison.Ordinal)).ToList();

        var posted = Ids(lines, "posted");
        Assert.Equal(3, posted.Count);
        Assert.Equal(posted, Ids(lines, "listed"));
        var claimed = Ids(lines, "claimed");
        Assert.Equal(2, claimed.Count);
        Assert.Subset(posted.ToHashSet(), claimed.ToHashSet());
        Assert.Equal(claimed, Ids(lines, "deleted"));

        // After the store was closed and opened again: exactly the message that was never claimed, with its body.
        var survivors = lines.Where(line => line.StartsWith("after reopening: ", StringComparison.Ordinal)).ToList();
        var survivor = Assert.Single(survivors);
        var unclaimed = Assert.Single(posted.Except(claimed));
        Assert.Equal($"after reopening: {unclaimed} {{\"order\":3}}", survivor);
        Assert.True(Directory.Exists(Path.Combine(data, "log")), "the store wrote no log in the data directory");
    }

    [Fact]
    public async Task The_server_tool_installs_from_the_feed_serves_ping_and_exits_0_on_sigterm()
    {
        var work = Path.Combine(packages.Root, "tool-install");
        Directory.CreateDirectory(work);
        packages.WriteNuGetConfig(work);
        var toolPath = Path.Combine(packages.Root, "tools");
        await DotnetCli.RunAsync("dotnet", ["tool", "install", PackedPackages.ServerTool, "--version", packages.Version, "--tool-path", toolPath], work, BuildTimeout);
        var command = Path.Combine(toolPath, "marconi-server");
        Assert.True(File.Exists(command), $"the tool installed no '{command}'");

        var help = await DotnetCli.RunAsync(command, ["--help"], work, RunTimeout);
        Assert.Contains("Usage: marconi-server", help, StringComparison.Ordinal);

        var data = Path.Combine(packages.Root, "tool-data");
        using var server = DotnetCli.Start(command, ["--listen", "127.0.0.1:0", "--data-dir", data], work, out var output);
        try
        {
            var url = await WaitForListeningAsync(server, output);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var ping = new HttpRequestMessage(HttpMethod.Get, url + "/v2/ping");
            ping.Headers.Add("Client-ID", ClientId);
            ping.Headers.Add("X-Project-ID", "packaging");
            using var pong = await http.SendAsync(ping);
            Assert.Equal(HttpStatusCode.NoContent, pong.StatusCode);

            using var term = System.Diagnostics.Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(timeout.Token);
            Assert.True(server.ExitCode == 0, $"exit {server.ExitCode} after SIGTERM:\n{DotnetCli.Read(output)}");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The URL from the server's "Marconi listening on ..." line, waiting at most a minute for it.</summary>
    private static async Task<string> WaitForListeningAsync(System.Diagnostics.Process server, System.Text.StringBuilder output)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var match = ListeningLine().Match(DotnetCli.Read(output));
            if (match.Success)
            {
                return match.Groups[1].Value;
            }

            if (server.HasExited)
            {
                Assert.Fail($"the server exited ({server.ExitCode}) before listening:\n{DotnetCli.Read(output)}");
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the server did not print its listening line within a minute:\n{DotnetCli.Read(output)}");
        return "";
    }

    private static List<string> Ids(List<string> lines, string verb)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(verb + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{verb}' line in the app's output:\n{string.Join('\n', lines)}");
        return [.. line[(verb.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Text(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    [GeneratedRegex(@"^Marconi listening on (http://127\.0\.0\.1:\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex ListeningLine();
}
