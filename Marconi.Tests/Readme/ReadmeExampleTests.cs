using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Marconi.Tests.Readme;

/// <summary>The README's embedding example is the sample project's code, and it runs as written.</summary>
public sealed partial class ReadmeExampleTests
{
    [Fact]
    public void Readme_example_is_the_sample_program()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        var block = CSharpBlock().Match(readme);
        Assert.True(block.Success, "README.md has no ```csharp block");

        var program = File.ReadAllText(Path.Combine(RepositoryRoot, "Marconi.Samples.Embedding", "Program.cs"));
        Assert.Equal(Normalize(program), Normalize(block.Groups[1].Value));
    }

    [Fact]
    public async Task Readme_example_runs_and_prints_both_messages()
    {
        var sample = Path.Combine(RepositoryRoot, "Marconi.Samples.Embedding", "bin", BuildConfiguration, "net10.0", "Marconi.Samples.Embedding.dll");
        Assert.True(File.Exists(sample), $"sample not built at {sample}");

        var workingDirectory = Directory.CreateTempSubdirectory("marconi-readme-");
        try
        {
            var start = new ProcessStartInfo("dotnet", [sample])
            {
                WorkingDirectory = workingDirectory.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await errors}");
            var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Matches("^[0-9a-f]{24}: \\{\"order\":1\\}$", lines[0]);
            Assert.Matches("^[0-9a-f]{24}: \\{\"order\":2\\}$", lines[1]);
            Assert.True(Directory.Exists(Path.Combine(workingDirectory.FullName, "marconi-data", "log")));
        }
        finally
        {
            workingDirectory.Delete(recursive: true);
        }
    }

    private static string Normalize(string code) => code.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>The test assembly lives in Marconi.Tests/bin/{Configuration}/net10.0/.</summary>
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string RepositoryRoot => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;
}
