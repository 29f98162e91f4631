using System.Text;
using Marconi.Tests.Client;

namespace Marconi.Tests.Readme;

/// <summary>The README's client example is <see cref="ClientReadmeExample"/> (so it compiles), and it runs as written.</summary>
public abstract class ClientReadmeExampleTests(IClientServer server)
{
    [Fact]
    public void Readme_client_section_shows_the_compiled_example()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var section = readme.IndexOf("\n## C# client\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## C# client' section");
        var start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        var shown = readme[start..end].TrimEnd('\n').Split('\n');

        var source = File.ReadAllLines(Path.Combine(RepositoryRoot, "Marconi.Tests", "Readme", "ClientReadmeExample.cs"));
        var begin = Array.FindIndex(source, l => l.Trim() == "// README begin");
        var finish = Array.FindIndex(source, l => l.Trim() == "// README end");
        Assert.True(begin >= 0 && finish > begin, "ClientReadmeExample.cs lost its README markers");
        var example = source[(begin + 1)..finish];
        var indent = example.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
        Assert.Equal(example.Select(l => l.Length == 0 ? l : l[indent..]), shown);
    }

    [Fact]
    public async Task Readme_client_example_posts_and_consumes_the_order()
    {
        var output = new FirstLineWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var run = ClientReadmeExample.RunAsync(server.BaseAddress, "readme-" + Guid.NewGuid().ToString("N"), output, stop.Token);
        var first = await Task.WhenAny(output.FirstLine.Task, run);
        Assert.True(first == output.FirstLine.Task, first.Exception?.ToString() ?? "the example ended without printing");
        Assert.Equal("""{"order":42}""", await output.FirstLine.Task);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private static string RepositoryRoot => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>Completes <see cref="FirstLine"/> with the first line written.</summary>
    private sealed class FirstLineWriter : TextWriter
    {
        public TaskCompletionSource<string> FirstLine { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value) => FirstLine.TrySetResult(value ?? string.Empty);
    }
}

/// <summary>The README's client example against our server binary.</summary>
public sealed class OurServerClientReadmeExampleTests(OurServerFixture server) : ClientReadmeExampleTests(server), IClassFixture<OurServerFixture>;
