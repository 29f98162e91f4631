using System.CommandLine;
using System.CommandLine.Parsing;
using Marconi.Cli.Commands;
using Marconi.Cli.Shell;

namespace Marconi.Cli;

/// <summary>
/// The `marconi` command tree, the one parser both the one-shot command line and the shell run: global options, the
/// API commands and `shell`. Exit codes: 0 ok, 1 API or connection error, 2 usage error.
/// </summary>
internal static class CliApp
{
    /// <summary>Exit code of a usage error (bad or missing arguments, unusable values).</summary>
    public const int UsageError = 2;

    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("marconi: a command-line tool and shell for Marconi and Zaqar queues");
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(QueueCommands.Queue());
        foreach (var command in MessageCommands.All())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ClaimCommands.Claim());
        root.Subcommands.Add(QueueCommands.Purge());
        root.Subcommands.Add(SubscriptionCommands.Subscription());
        foreach (var command in SystemCommands.All())
        {
            root.Subcommands.Add(command);
        }

        var shell = new Command(ShellSession.CommandName, "Interactive shell: history, tab completion of commands and queue names, pretty JSON");
        shell.SetAction(parse => new ShellSession(root, GlobalArguments(parse)).Run());
        root.Subcommands.Add(shell);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; parse errors print to <paramref name="error"/> and give exit code 2.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(Build(), args, output, error);

    /// <summary>Runs <paramref name="args"/> against an already built tree (the shell runs each line this way).</summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                error.WriteLine(parseError.Message);
            }

            return UsageError;
        }

        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The tokens of `marconi [options] shell` other than `shell`: the shell passes them on with every line.</summary>
    private static string[] GlobalArguments(ParseResult parse) =>
        parse.Tokens.Where(t => !(t.Type == TokenType.Command && t.Value == ShellSession.CommandName)).Select(t => t.Value).ToArray();
}
