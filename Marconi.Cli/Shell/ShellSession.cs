using System.CommandLine;

namespace Marconi.Cli.Shell;

/// <summary>The interactive loop of `marconi shell`: built-ins (help, use, exit) and every one-shot command.</summary>
internal sealed class ShellSession
{
    private static readonly string[] BuiltIns = ["help", "use", "exit"];

    private readonly RootCommand _root;
    private string? _queue;

    /// <summary>A shell that runs lines against <paramref name="root"/>.</summary>
    public ShellSession(RootCommand root) => _root = root;

    /// <summary>Reads and runs lines until `exit` or end of input; returns 0.</summary>
    public int Run()
    {
        var history = new LineHistory(Console.IsInputRedirected ? null : LineHistory.DefaultPath);
        var commands = BuiltIns.Concat(_root.Subcommands.Where(c => c.Name != "shell").Select(c => c.Name)).ToList();
        // Queue names come from the server once the client library is wired in; until then only commands complete.
        var completer = new Completer(commands, Array.Empty<string>, TimeProvider.System);
        var editor = new LineEditor(history, completer);
        while (editor.ReadLine(_queue is null ? "marconi> " : $"marconi:{_queue}> ") is { } line)
        {
            history.Add(line);
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }
            switch (words[0])
            {
                case "exit":
                    return 0;
                case "use":
                    _queue = words.Length > 1 ? words[1] : null;
                    break;
                case "help":
                    Console.WriteLine("Built-ins: help, use QUEUE, exit (or Ctrl-D). Commands:");
                    CliApp.Run(_root, ["--help"], Console.Out, Console.Error);
                    break;
                default:
                    CliApp.Run(_root, words, Console.Out, Console.Error);
                    break;
            }
        }
        return 0;
    }
}
