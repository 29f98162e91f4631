using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Marconi.Crash;

/// <summary>The server failed: it did not start, did not answer, or exited by itself.</summary>
internal sealed class ServerFailedException(string message) : Exception(message);

/// <summary>
/// One run of the server binary (<c>dotnet marconi-server.dll --listen 127.0.0.1:PORT --data-dir DIR</c>): started,
/// its "Marconi listening on" line read from stdout, its output (log lines on stdout, errors on stderr) kept (the
/// start and the latest part) for failure reports, and killed with SIGKILL (<see cref="Process.Kill()"/> on Linux).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Marconi listening on ";
    private const int OutputKeep = 16 * 1024;

    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _outputHead = new();
    private readonly StringBuilder _outputTail = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private ServerProcess(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server on <paramref name="port"/> of 127.0.0.1 (0: the system picks one) without waiting for it.</summary>
    public static ServerProcess Start(string serverDll, int port, string dataDir)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = dataDir,
        };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"));
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDir);
        var process = Process.Start(start) ?? throw new ServerFailedException("Process.Start returned null for the server");
        return new ServerProcess(process);
    }

    /// <summary>The server's base URL once it printed its listening line; throws when it exits first or takes too long.</summary>
    public async Task<Uri> WaitUntilListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        if (first == _listening.Task)
        {
            return await _listening.Task;
        }

        if (first == exited)
        {
            await DrainAsync(TimeSpan.FromSeconds(5));
            throw new ServerFailedException($"the server (pid {Id}) exited with code {_process.ExitCode} before listening; output:\n{Output}");
        }

        throw new ServerFailedException($"the server (pid {Id}) did not listen within {timeout.TotalSeconds:F0} s; output:\n{Output}");
    }

    /// <summary>Sends SIGKILL and waits (bounded) for the process to end.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It had ended by itself; the caller checks HasExited before killing when that matters.
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new ServerFailedException($"the server (pid {Id}) did not end within {timeout.TotalSeconds:F0} s of SIGKILL");
        }

        await DrainAsync(timeout);
    }

    /// <summary>The exit code (after the process ended).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The start and the latest part of what the server wrote: its log lines (stdout) and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_outputHead)
            {
                return _outputTail.Length == 0 ? _outputHead.ToString() : $"{_outputHead}\n[...]\n{_outputTail}";
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await KillAsync(TimeSpan.FromSeconds(10));
            }
            catch (ServerFailedException)
            {
                // Best effort on the way out.
            }
        }

        _process.Dispose();
    }

    /// <summary>The dotnet host running this tool (DOTNET_HOST_PATH is set by the dotnet CLI), else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        return processPath is not null && Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? processPath
            : "dotnet";
    }

    private async Task DrainAsync(TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // A grandchild holding the pipes open must not hang the campaign; the output is only for reports.
        }
    }

    private async Task PumpStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal) &&
                Uri.TryCreate(line[ListeningPrefix.Length..].Trim() + "/", UriKind.Absolute, out var url))
            {
                _listening.TrySetResult(url);
            }
            else
            {
                Keep((line + "\n").AsSpan());
            }
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            Keep(buffer.AsSpan(0, read));
        }
    }

    private void Keep(ReadOnlySpan<char> text)
    {
        lock (_outputHead)
        {
            if (_outputHead.Length < OutputKeep)
            {
                _outputHead.Append(text);
            }
            else
            {
                _outputTail.Append(text);
                if (_outputTail.Length > 2 * OutputKeep)
                {
                    _outputTail.Remove(0, _outputTail.Length - OutputKeep);
                }
            }
        }
    }
}
