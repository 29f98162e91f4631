using System.Diagnostics;

namespace Marconi.Tests.Cli;

/// <summary>
/// A real terminal: a detached tmux session on a private socket, driven with send-keys and read with capture-pane.
/// Disposing kills the tmux server of that socket.
/// </summary>
internal sealed class TmuxTerminal : IDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly string _socket = $"marconi-test-{Guid.NewGuid():N}";

    private TmuxTerminal()
    {
    }

    /// <summary>Starts a 120x40 session running <paramref name="shellCommand"/> (a /bin/sh command line).</summary>
    public static TmuxTerminal Start(string shellCommand)
    {
        var terminal = new TmuxTerminal();
        terminal.Tmux("new-session", "-d", "-x", "120", "-y", "40", shellCommand);
        return terminal;
    }

    /// <summary>Sends tmux key names or literal text (e.g. "Up", "Tab", "C-d", "Enter").</summary>
    public void SendKeys(params string[] keys) => Tmux(["send-keys", "-t", "0", .. keys]);

    /// <summary>Sends <paramref name="text"/> literally, without key-name lookup.</summary>
    public void Type(string text) => Tmux("send-keys", "-t", "0", "-l", text);

    /// <summary>The pane's text, its scrollback included.</summary>
    public string Capture() => Tmux("capture-pane", "-p", "-S", "-", "-t", "0");

    /// <summary>
    /// Polls the pane until <paramref name="text"/> is on it <paramref name="occurrences"/> times; fails with the pane's
    /// content after the wait limit. Trailing spaces are not compared: capture-pane trims them.
    /// </summary>
    public string WaitFor(string text, int occurrences = 1)
    {
        text = text.TrimEnd();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var pane = Capture();
            if (Count(pane, text) >= occurrences)
            {
                return pane;
            }
            if (clock.Elapsed > WaitLimit)
            {
                Assert.Fail($"'{text}' (x{occurrences}) did not appear within {WaitLimit.TotalSeconds} s. Pane:\n{pane}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>Kills the private tmux server.</summary>
    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (InvalidOperationException)
        {
            // The server already exited with its last session.
        }
    }

    private static int Count(string haystack, string needle)
    {
        var count = 0;
        for (var at = haystack.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = haystack.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("tmux is not installed: install it (apt-get install -y tmux) to run the shell's terminal tests.", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} did not finish in 30 s");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed ({process.ExitCode}): {errors}");
            }
            return output;
        }
    }
}
