using System.Globalization;
using System.Xml.Linq;

namespace Marconi.Tests.Packaging;

/// <summary>
/// The shipped projects packed once for the packaging tests, with a version no earlier run used (so NuGet's global
/// package cache can never hand back an older build), into a fresh folder that a local feed points at.
/// </summary>
/// <remarks>
/// The build goes to its own artifacts folder, so the repository's bin/ and obj/ (and the server binary other tests
/// run from there at the same time) are left alone.
/// </remarks>
public sealed class PackedPackages : IAsyncLifetime
{
    /// <summary>The library packages an app references.</summary>
    public static readonly string[] Libraries = ["Marconi.Core", "Marconi.Storage.Faster", "Marconi.Storage.Redis", "Marconi.Http", "Marconi.Client"];

    /// <summary>The server, packed as a .NET tool.</summary>
    public const string ServerTool = "Marconi.Server";

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);

    /// <summary>A temporary folder holding the feed, the build artifacts and whatever the tests create.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("marconi-packaging-").FullName;

    /// <summary>The folder the .nupkg files were written to.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>This run's package version.</summary>
    public string Version { get; } = "0.1.0-test." + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The output of <c>dotnet pack</c>.</summary>
    public string PackOutput { get; private set; } = "";

    /// <summary>The repository root (the test assembly lives in Marconi.Tests/bin/{Configuration}/net10.0/).</summary>
    public static string RepositoryRoot => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>Path of a packed package.</summary>
    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>
    /// Writes a nuget.config into <paramref name="directory"/>: the repository's package sources (where the third-party
    /// dependencies come from) plus the feed of this run's packages.
    /// </summary>
    public void WriteNuGetConfig(string directory)
    {
        var config = XDocument.Load(Path.Combine(RepositoryRoot, "nuget.config"));
        var sources = config.Root!.Element("packageSources") ?? throw new InvalidOperationException("the repository's nuget.config has no packageSources");
        sources.Add(new XElement("add", new XAttribute("key", "marconi-packaging-test"), new XAttribute("value", Feed)));
        config.Save(Path.Combine(directory, "nuget.config"));
    }

    public async Task InitializeAsync()
    {
        // One build of every shipped project through a solution listing just them (they share Marconi.Core's build).
        // A project referenced but missing from a solution is built in Debug, so the server's internal Marconi.Pooling
        // is listed too (it is not packable: pack skips it).
        var solution = Path.Combine(Root, "shipped.slnx");
        var projects = Libraries.Append(ServerTool).Append("Marconi.Pooling")
            .Select(id => new XElement("Project", new XAttribute("Path", Path.Combine(RepositoryRoot, id, id + ".csproj"))));
        new XDocument(new XElement("Solution", projects)).Save(solution);

        PackOutput = await DotnetCli.RunAsync(
            "dotnet",
            ["pack", solution, "-c", "Release", "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"), $"-p:Version={Version}", "--disable-build-servers", "-nodeReuse:false"],
            Root,
            PackTimeout);
    }

    public Task DisposeAsync()
    {
        // The global package cache keeps every version restored; drop this run's, which nothing will ask for again.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in Libraries.Append(ServerTool))
        {
            var idFolder = Path.Combine(cache, id.ToLowerInvariant());
            DeleteQuietly(Path.Combine(idFolder, Version));
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                DeleteQuietly(idFolder);
            }
        }

        DeleteQuietly(Root);
        return Task.CompletedTask;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder must not fail the tests.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
