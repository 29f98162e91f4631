using System.CommandLine;

namespace Marconi.Cli.Commands;

/// <summary>`marconi claim QUEUE` and `marconi claim get | update | release`.</summary>
internal static class ClaimCommands
{
    /// <summary>The `claim` command with its subcommands.</summary>
    public static Command Claim()
    {
        var name = Arguments.Queue();
        var ttl = Arguments.Ttl("Seconds the claim lasts (60-43200; default 300)");
        var grace = Arguments.Grace();
        var limit = Arguments.Limit("Messages to claim (1-20; default 10)");
        var claim = new Command("claim", "Claim free messages (prints the claim id and its messages; no messages when none are free)") { name, ttl, grace, limit };
        claim.Runs(async run =>
        {
            var made = await run.Client.Queue(run.Get(name)).ClaimAsync(run.Get(ttl) ?? 300, run.Get(grace) ?? 60, run.Get(limit), run.Cancellation).ConfigureAwait(false);
            return made is null ? JsonText.Messages([]) : JsonText.Claim(made);
        });
        claim.Subcommands.Add(Get());
        claim.Subcommands.Add(Update());
        claim.Subcommands.Add(Release());
        return claim;
    }

    private static Command Get()
    {
        var name = Arguments.Queue();
        var id = Arguments.ClaimId();
        var command = new Command("get", "Show a claim and the messages it still holds") { name, id };
        return command.Runs(async run =>
            JsonText.Claim(await run.Client.Queue(run.Get(name)).GetClaimAsync(run.Get(id), run.Cancellation).ConfigureAwait(false)));
    }

    private static Command Update()
    {
        var name = Arguments.Queue();
        var id = Arguments.ClaimId();
        var ttl = Arguments.Ttl("New seconds the claim lasts, from now (60-43200)");
        ttl.Required = true;
        var grace = Arguments.Grace();
        var command = new Command("update", "Restart a claim's clock with a new ttl (and grace)") { name, id, ttl, grace };
        return command.Runs(async run =>
        {
            var queue = run.Client.Queue(run.Get(name));
            await queue.RenewClaimAsync(run.Get(id), run.Get(ttl)!.Value, run.Get(grace) ?? 60, run.Cancellation).ConfigureAwait(false);
            return JsonText.Claim(await queue.GetClaimAsync(run.Get(id), run.Cancellation).ConfigureAwait(false));
        });
    }

    private static Command Release()
    {
        var name = Arguments.Queue();
        var id = Arguments.ClaimId();
        var command = new Command("release", "Release a claim: its messages are free again") { name, id };
        return command.Runs(async run =>
        {
            await run.Client.Queue(run.Get(name)).ReleaseClaimAsync(run.Get(id), run.Cancellation).ConfigureAwait(false);
            return JsonText.Field("released", run.Get(id));
        });
    }
}
