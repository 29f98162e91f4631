using System.CommandLine;

namespace Marconi.Cli.Commands;

/// <summary>`marconi subscription create | list | get | update | confirm | delete`.</summary>
internal static class SubscriptionCommands
{
    /// <summary>The `subscription` command group.</summary>
    public static Command Subscription()
    {
        var group = new Command("subscription", "Push a queue's messages to webhooks or mail addresses");
        group.Subcommands.Add(Create());
        group.Subcommands.Add(List());
        group.Subcommands.Add(Get());
        group.Subcommands.Add(Update());
        group.Subcommands.Add(Confirm());
        group.Subcommands.Add(Delete());
        return group;
    }

    private static Argument<string> Id() => new("SUBSCRIPTION") { Description = "Subscription id" };

    private static Option<string?> Options() => new("--options") { Description = "Options, a JSON object" };

    private static Command Create()
    {
        var name = Arguments.Queue();
        var subscriber = new Argument<string>("SUBSCRIBER") { Description = "Where messages go: an http(s):// or mailto: URI" };
        var ttl = Arguments.Ttl("Seconds the subscription lives (default 3600)");
        var options = Options();
        var command = new Command("create", "Subscribe a webhook or mail address to a queue; prints the subscription id") { name, subscriber, ttl, options };
        return command.Runs(async run =>
        {
            var values = run.Get(options) is { } text ? JsonText.ParseObject(text, "--options") : null;
            var id = await run.Client.Queue(run.Get(name)).CreateSubscriptionAsync(run.Get(subscriber), run.Get(ttl) ?? 3600, values, run.Cancellation).ConfigureAwait(false);
            return JsonText.Field("subscription_id", id);
        });
    }

    private static Command List()
    {
        var name = Arguments.Queue();
        var limit = Arguments.Limit("Subscriptions per page");
        var marker = Arguments.Marker();
        var command = new Command("list", "List a queue's subscriptions") { name, limit, marker };
        return command.Runs(async run =>
        {
            var page = await run.Client.Queue(run.Get(name)).ListSubscriptionsAsync(run.Get(limit), run.Get(marker), run.Cancellation).ConfigureAwait(false);
            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("subscriptions");
                foreach (var subscription in page.Subscriptions)
                {
                    JsonText.Subscription(writer, subscription);
                }

                writer.WriteEndArray();
                if (page.NextMarker is { } next)
                {
                    writer.WriteString("next", next);
                }

                writer.WriteEndObject();
            });
        });
    }

    private static Command Get()
    {
        var name = Arguments.Queue();
        var id = Id();
        var command = new Command("get", "Show a subscription") { name, id };
        return command.Runs(async run =>
        {
            var subscription = await run.Client.Queue(run.Get(name)).GetSubscriptionAsync(run.Get(id), run.Cancellation).ConfigureAwait(false);
            return JsonText.Write(writer => JsonText.Subscription(writer, subscription));
        });
    }

    private static Command Update()
    {
        var name = Arguments.Queue();
        var id = Id();
        var subscriber = new Option<string?>("--subscriber") { Description = "New subscriber URI" };
        var ttl = Arguments.Ttl("New seconds to live");
        var options = Options();
        var command = new Command("update", "Change a subscription's subscriber, ttl or options (options are replaced whole)") { name, id, subscriber, ttl, options };
        return command.Runs(async run =>
        {
            var values = run.Get(options) is { } text ? JsonText.ParseObject(text, "--options") : null;
            if (run.Get(subscriber) is null && run.Get(ttl) is null && values is null)
            {
                throw new UsageException("Nothing to change: give --subscriber, --ttl or --options.");
            }

            var queue = run.Client.Queue(run.Get(name));
            await queue.UpdateSubscriptionAsync(run.Get(id), run.Get(subscriber), run.Get(ttl), values, run.Cancellation).ConfigureAwait(false);
            var subscription = await queue.GetSubscriptionAsync(run.Get(id), run.Cancellation).ConfigureAwait(false);
            return JsonText.Write(writer => JsonText.Subscription(writer, subscription));
        });
    }

    private static Command Confirm()
    {
        var name = Arguments.Queue();
        var id = Id();
        var undo = new Option<bool>("--unconfirm") { Description = "Mark it unconfirmed instead" };
        var command = new Command("confirm", "Mark a subscription confirmed, as its subscriber's confirmation does") { name, id, undo };
        return command.Runs(async run =>
        {
            await run.Client.Queue(run.Get(name)).ConfirmSubscriptionAsync(run.Get(id), !run.Get(undo), run.Cancellation).ConfigureAwait(false);
            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("subscription_id", run.Get(id));
                writer.WriteBoolean("confirmed", !run.Get(undo));
                writer.WriteEndObject();
            });
        });
    }

    private static Command Delete()
    {
        var name = Arguments.Queue();
        var id = Id();
        var command = new Command("delete", "Delete a subscription (nothing happens when it does not exist)") { name, id };
        return command.Runs(async run =>
        {
            await run.Client.Queue(run.Get(name)).DeleteSubscriptionAsync(run.Get(id), run.Cancellation).ConfigureAwait(false);
            return JsonText.Field("deleted", run.Get(id));
        });
    }
}
