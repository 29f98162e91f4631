using System.CommandLine;
using Marconi.Cli.Shell;

namespace Marconi.Cli;

/// <summary>The `marconi` command tree: global options and commands; exit codes 0 ok, 1 API error, 2 usage error.</summary>
internal static class CliApp
{
    /// <summary>Exit code of a usage error (bad or missing arguments).</summary>
    public const int UsageError = 2;

    /// <summary>The server's base URL (env MARCONI_URL).</summary>
    public static readonly Option<string> Url = new("--url")
    {
        Description = "Base URL of the server (env MARCONI_URL)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MARCONI_URL") ?? "http://127.0.0.1:8888",
    };

    /// <summary>The project (tenant), sent as X-Project-ID (env MARCONI_PROJECT).</summary>
    public static readonly Option<string?> Project = new("--project")
    {
        Description = "Project (X-Project-ID) (env MARCONI_PROJECT)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MARCONI_PROJECT"),
    };

    /// <summary>The Client-ID UUID; a fresh one per run when not given.</summary>
    public static readonly Option<Guid?> ClientId = new("--client-id")
    {
        Description = "Client-ID (a UUID; a new one per run when not given)",
        Recursive = true,
    };

    /// <summary>The Keystone token, sent as X-Auth-Token (env MARCONI_TOKEN).</summary>
    public static readonly Option<string?> Token = new("--token")
    {
        Description = "Keystone token, sent as X-Auth-Token (env MARCONI_TOKEN)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MARCONI_TOKEN"),
    };

    /// <summary>Machine output: compact JSON, no colours.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Machine output: compact JSON, no colours",
        Recursive = true,
    };

    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("marconi: a command-line tool and shell for Marconi and Zaqar queues");
        root.Options.Add(Url);
        root.Options.Add(Project);
        root.Options.Add(ClientId);
        root.Options.Add(Token);
        root.Options.Add(Json);
        var shell = new Command("shell", "Interactive shell: history, tab completion, pretty JSON");
        shell.SetAction(_ => new ShellSession(root).Run());
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
}
