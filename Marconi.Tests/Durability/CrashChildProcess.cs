using System.Diagnostics;
using System.Text;

namespace Marconi.Tests.Durability;

/// <summary>
/// One run of Marconi.Tests.CrashChild as a real process: starts it, collects every complete stdout line while it runs
/// (a line cut by the kill is dropped: only what ended in a newline was reported), captures stderr, and kills it with
/// SIGKILL (<see cref="Process.Kill()"/> on Linux).
/// </summary>
/// <remarks>
/// The test project references the child project with <c>ReferenceOutputAssembly="false"</c> and copies its output to
/// <c>CrashChild/</c> next to the test assembly (see Marconi.Tests.csproj), so a plain <c>dotnet test</c> builds and
/// finds it. It runs under the same <c>dotnet</c> host as the tests.
/// </remarks>
internal sealed class CrashChildProcess : IAsyncDisposable
{
    private const string ChildFileName = "Marconi.Tests.CrashChild.dll";

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private CrashChildProcess(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The child's dll, next to the test assembly.</summary>
    public static string ChildPath => Path.Combine(AppContext.BaseDirectory, "CrashChild", ChildFileName);

    /// <summary>Completes when the child printed READY (its store is open).</summary>
    public Task Ready => _ready.Task;

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>The complete stdout lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static CrashChildProcess Start(IEnumerable<string> arguments)
    {
        if (!File.Exists(ChildPath))
        {
            throw new FileNotFoundException(
                $"The crash child is not at {ChildPath}. Marconi.Tests.csproj builds Marconi.Tests.CrashChild and copies its output there; rebuild the test project.",
                ChildPath);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(ChildPath)!,
        };
        start.ArgumentList.Add(ChildPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null for the crash child.");
        return new CrashChildProcess(process);
    }

    /// <summary>Sends SIGKILL and waits (bounded) for the process to end and its output to drain.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own in the meantime; the caller checks the exit.
        }

        await WaitForExitAsync(timeout);
    }

    /// <summary>Waits (bounded) for the process to end and both output pumps to reach end of file.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The crash child (pid {_process.Id}) did not end within {timeout}. Stderr:\n{Stderr}");
        }
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
            {
                // Best effort on the failure path.
            }
        }

        _process.Dispose();
    }

    /// <summary>The dotnet host running these tests (DOTNET_HOST_PATH is set by the dotnet CLI), else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        return "dotnet";
    }

    private async Task PumpStdoutAsync()
    {
        var stream = _process.StandardOutput.BaseStream;
        var buffer = new byte[16 * 1024];
        var pending = new List<byte>();
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                // Bytes after the last newline were a line the kill cut short: not reported.
                return;
            }

            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                pending.AddRange(buffer.AsSpan(start, i - start));
                var line = Encoding.UTF8.GetString(pending.ToArray());
                pending.Clear();
                start = i + 1;
                lock (_lines)
                {
                    _lines.Add(line);
                }

                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    _ready.TrySetResult();
                }
            }

            pending.AddRange(buffer.AsSpan(start, read - start));
        }
    }

    private async Task PumpStderrAsync()
    {
        var reader = _process.StandardError;
        var buffer = new char[4096];
        while (true)
        {
            var read = await reader.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            lock (_stderr)
            {
                // Keep the start and a bounded amount: a failure message needs the first exception, not megabytes.
                if (_stderr.Length < 64 * 1024)
                {
                    _stderr.Append(buffer, 0, read);
                }
            }
        }
    }
}
