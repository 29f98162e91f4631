using System.CommandLine;
using Marconi.Cli.Commands;
using Marconi.Client;

namespace Marconi.Cli.Shell;

/// <summary>
/// The interactive loop of `marconi shell`: each line runs through the same command tree as a one-shot `marconi`
/// command (with the global options the shell was started with), plus the built-ins help, use and exit.
/// </summary>
internal sealed class ShellSession
{
    /// <summary>The command that starts the shell (not offered inside it).</summary>
    public const string CommandName = "shell";

    private const int MaxQueueNamePages = 10;
    private static readonly (string Name, bool TakesQueue)[] BuiltIns = [("help", false), ("use", true), ("exit", false)];

    private readonly RootCommand _root;
    private readonly string[] _globalArguments;
    private string? _queue;

    /// <summary>A shell that runs lines against <paramref name="root"/>, each with <paramref name="globalArguments"/> in front.</summary>
    public ShellSession(RootCommand root, string[] globalArguments)
    {
        _root = root;
        _globalArguments = globalArguments;
    }

    /// <summary>Reads and runs lines until `exit` or end of input; returns 0.</summary>
    public int Run()
    {
        var history = new LineHistory(Console.IsInputRedirected ? null : LineHistory.DefaultPath);
        var completer = new Completer(CompletionTree.From(_root, BuiltIns, CommandName), FetchQueueNames, TimeProvider.System);
        var editor = new LineEditor(history, completer);
        while (editor.ReadLine(_queue is null ? "marconi> " : $"marconi:{_queue}> ") is { } line)
        {
            history.Add(line);
            List<string> words;
            try
            {
                words = ShellWords.Split(line);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                continue;
            }

            if (words.Count == 0)
            {
                continue;
            }

            switch (words[0])
            {
                case "exit":
                    return 0;
                case "use":
                    _queue = words.Count > 1 ? words[1] : null;
                    break;
                case "help":
                    if (words.Count == 1)
                    {
                        Console.WriteLine("Built-ins: help [COMMAND], use [QUEUE] (then QUEUE may be left out), exit (or Ctrl-D). Commands:");
                    }

                    CliApp.Run(_root, [.. words.Skip(1), "--help"], Console.Out, Console.Error);
                    break;
                default:
                    CliApp.Run(_root, [.. _globalArguments, .. WithQueueInUse(words)], Console.Out, Console.Error);
                    if (words[0] is "queue" or "post")
                    {
                        completer.Invalidate();
                    }

                    break;
            }
        }

        return 0;
    }

    /// <summary>
    /// After `use q`, a line that does not parse as written but does with q as the command's first argument gets it:
    /// `list` is `list q`, `post '{"a":1}'` is `post q '{"a":1}'`. A line that parses as written runs as written.
    /// </summary>
    private List<string> WithQueueInUse(List<string> words)
    {
        if (_queue is null || _root.Parse([.. _globalArguments, .. words]).Errors.Count == 0)
        {
            return words;
        }

        Command command = _root;
        var path = 0;
        while (path < words.Count && command.Subcommands.FirstOrDefault(c => c.Name == words[path]) is { } sub)
        {
            command = sub;
            path++;
        }

        if (command.Arguments.Count == 0 || command.Arguments[0].Name != Arguments.QueueName)
        {
            return words;
        }

        List<string> withQueue = [.. words.Take(path), _queue, .. words.Skip(path)];
        return _root.Parse([.. _globalArguments, .. withQueue]).Errors.Count == 0 ? withQueue : words;
    }

    /// <summary>The project's queue names for completion: a few pages, one attempt, a short deadline; none on any failure.</summary>
    private List<string> FetchQueueNames()
    {
        var names = new List<string>();
        try
        {
            using var client = ClientFactory.Create(_root.Parse([.. _globalArguments, "queue", "list"]), new RetryPolicy { MaxAttempts = 1 });
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            string? marker = null;
            for (var page = 0; page < MaxQueueNamePages; page++)
            {
                var queues = client.ListQueuesAsync(20, marker, detailed: false, deadline.Token).GetAwaiter().GetResult();
                names.AddRange(queues.Queues.Select(q => q.Name));
                if (queues.NextMarker is not { } next || queues.Queues.Count < 20)
                {
                    break;
                }

                marker = next;
            }
        }
        catch (Exception e) when (e is MarconiApiException or HttpRequestException or OperationCanceledException or UsageException)
        {
            // Completion is a convenience: an unreachable server leaves queue names out, the line stays as typed.
        }

        return names;
    }
}
