using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Marconi.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> CLI (or a program it installed) as a child process, bounded in time.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <paramref name="program"/> to its end; fails the test on a non-zero exit code or the timeout, showing its output.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        using var process = Start(program, arguments, workingDirectory, out var output);
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{Describe(program, arguments)}' did not finish within {timeout.TotalSeconds:F0} s; its output so far:\n{Read(output)}");
        }

        Assert.True(process.ExitCode == 0, $"'{Describe(program, arguments)}' exited {process.ExitCode}:\n{Read(output)}");
        return Read(output);
    }

    /// <summary>
    /// Starts <paramref name="program"/> with stdout and stderr captured into <paramref name="output"/> (stderr lines
    /// prefixed "stderr: ") and without the MSBuild settings the test host's own <c>dotnet test</c> may have exported.
    /// </summary>
    public static Process Start(string program, IEnumerable<string> arguments, string workingDirectory, out StringBuilder output)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(IsInheritedBuildSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run '{program}' ({ex.Message}): the packaging tests need the .NET 10 SDK's 'dotnet' on PATH", ex);
        }

        var captured = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(captured, e.Data, "");
        process.ErrorDataReceived += (_, e) => Append(captured, e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = captured;
        return process;
    }

    /// <summary>What has been captured so far (safe while the process still writes).</summary>
    public static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Append(StringBuilder output, string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(prefix).AppendLine(line);
        }
    }

    /// <summary>MSBuild's and the test host's variables point a child build at the parent's SDK and build nodes.</summary>
    private static bool IsInheritedBuildSetting(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase);

    private static string Describe(string program, IEnumerable<string> arguments) => $"{program} {string.Join(' ', arguments)}";
}
