using System.CommandLine;
using System.Net;
using Marconi.Client;

namespace Marconi.Cli.Commands;

/// <summary>`marconi share | health | ping`.</summary>
internal static class SystemCommands
{
    /// <summary>The commands about the server and access to it.</summary>
    public static IEnumerable<Command> All() => [Share(), Health(), Ping()];

    private static Command Share()
    {
        var name = Arguments.Queue();
        var paths = new Option<string>("--paths") { Description = "Comma-separated paths it allows: messages, claims, subscriptions", DefaultValueFactory = _ => "messages" };
        var methods = new Option<string>("--methods") { Description = "Comma-separated HTTP methods it allows", DefaultValueFactory = _ => "GET,POST" };
        var expiresIn = new Option<int>("--expires-in") { Description = "Seconds from now until it expires", DefaultValueFactory = _ => 86400 };
        var command = new Command("share", "Sign a URL for a queue; save the JSON and pass the file as --signed-url to act under it") { name, paths, methods, expiresIn };
        return command.Runs(async run =>
        {
            if (run.Get(expiresIn) <= 0)
            {
                throw new UsageException("--expires-in must be a positive number of seconds.");
            }

            var signed = await run.Client.Queue(run.Get(name)).ShareAsync(
                Split(run.Get(paths)!), Split(run.Get(methods)!), DateTimeOffset.UtcNow.AddSeconds(run.Get(expiresIn)), run.Cancellation).ConfigureAwait(false);
            return signed.ToJson();
        });
    }

    private static Command Health()
    {
        var command = new Command("health", "Show the server's health document (Zaqar serves it to admins only)");
        return command.Runs(async run => (await run.Client.HealthAsync(run.Cancellation).ConfigureAwait(false)).Document.GetRawText());
    }

    private static Command Ping()
    {
        var command = new Command("ping", "Check that the server answers (exit code 1 when it does not)");
        return command.Runs(async run => await run.Client.PingAsync(run.Cancellation).ConfigureAwait(false)
            ? """{"ping":true}"""
            : throw new MarconiApiException(HttpStatusCode.ServiceUnavailable, "Service Unavailable", "the server answered ping with 503"));
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
