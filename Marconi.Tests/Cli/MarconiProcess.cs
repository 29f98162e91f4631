using System.Diagnostics;

namespace Marconi.Tests.Cli;

/// <summary>The built `marconi` run as a process: its exit code, stdout and stderr, bounded in time.</summary>
internal static class MarconiProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The built tool next to the tests (the test project references Marconi.Cli).</summary>
    public static string Dll
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "marconi.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: the test project must reference Marconi.Cli");
            return dll;
        }
    }

    /// <summary>Runs `marconi <paramref name="arguments"/>` with <paramref name="environment"/> (other MARCONI_* variables cleared) and optional stdin.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "MARCONI_URL", "MARCONI_PROJECT", "MARCONI_CLIENT_ID", "MARCONI_TOKEN", "MARCONI_SIGNED_URL" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"marconi {string.Join(' ', arguments)} did not exit within {Limit.TotalSeconds} s");
        }

        return new Result(process.ExitCode, await output, await errors);
    }

    /// <summary>What a run printed and returned.</summary>
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        /// <inheritdoc />
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
    }
}
