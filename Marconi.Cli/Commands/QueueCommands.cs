using System.CommandLine;
using Marconi.Client;

namespace Marconi.Cli.Commands;

/// <summary>`marconi queue ...` and `marconi purge`.</summary>
internal static class QueueCommands
{
    /// <summary>The `queue` command group.</summary>
    public static Command Queue()
    {
        var queue = new Command("queue", "Create, list, inspect and delete queues");
        queue.Subcommands.Add(Create());
        queue.Subcommands.Add(Delete());
        queue.Subcommands.Add(List());
        queue.Subcommands.Add(Get("get", "Show a queue's metadata (reserved keys filled in)"));
        queue.Subcommands.Add(Stats());
        queue.Subcommands.Add(Metadata());
        return queue;
    }

    /// <summary>`purge QUEUE`: delete every message (and subscription), keep the queue.</summary>
    public static Command Purge()
    {
        var name = Arguments.Queue();
        var command = new Command("purge", "Delete every message and subscription of a queue, keeping the queue and its metadata") { name };
        return command.Runs(async run =>
        {
            await run.Client.Queue(run.Get(name)).PurgeAsync(run.Cancellation).ConfigureAwait(false);
            return JsonText.Field("purged", run.Get(name));
        });
    }

    private static Command Create()
    {
        var name = Arguments.Queue();
        var metadata = new Option<string?>("--metadata", "-m") { Description = "Metadata, a JSON object (e.g. '{\"_default_message_ttl\": 600}')" };
        var command = new Command("create", "Create a queue (nothing changes when it exists)") { name, metadata };
        return command.Runs(async run =>
        {
            var values = run.Get(metadata) is { } text ? JsonText.ParseObject(text, "--metadata") : null;
            var created = await run.Client.Queue(run.Get(name)).CreateAsync(values, run.Cancellation).ConfigureAwait(false);
            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("queue", run.Get(name));
                writer.WriteBoolean("created", created);
                writer.WriteEndObject();
            });
        });
    }

    private static Command Delete()
    {
        var name = Arguments.Queue();
        var command = new Command("delete", "Delete a queue and its messages (nothing happens when it does not exist)") { name };
        return command.Runs(async run =>
        {
            await run.Client.Queue(run.Get(name)).DeleteAsync(run.Cancellation).ConfigureAwait(false);
            return JsonText.Field("deleted", run.Get(name));
        });
    }

    private static Command List()
    {
        var limit = Arguments.Limit("Queues per page (1-20)");
        var marker = Arguments.Marker();
        var detailed = new Option<bool>("--detailed", "-d") { Description = "Include each queue's metadata" };
        var all = new Option<bool>("--all", "-a") { Description = "Follow the pages to the end" };
        var command = new Command("list", "List the project's queues, sorted by name") { limit, marker, detailed, all };
        return command.Runs(async run =>
        {
            var queues = new List<QueueInfo>();
            var page = await run.Client.ListQueuesAsync(run.Get(limit), run.Get(marker), run.Get(detailed), run.Cancellation).ConfigureAwait(false);
            queues.AddRange(page.Queues);
            while (run.Get(all) && page.NextMarker is { } next)
            {
                page = await run.Client.ListQueuesAsync(run.Get(limit), next, run.Get(detailed), run.Cancellation).ConfigureAwait(false);
                queues.AddRange(page.Queues);
            }

            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("queues");
                foreach (var queue in queues)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", queue.Name);
                    writer.WriteString("href", queue.Href);
                    if (queue.Metadata is { } metadata)
                    {
                        writer.WritePropertyName("metadata");
                        JsonText.Object(writer, metadata.Values);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                if (!run.Get(all) && page.NextMarker is { } next)
                {
                    writer.WriteString("next", next);
                }

                writer.WriteEndObject();
            });
        });
    }

    private static Command Get(string verb, string description)
    {
        var name = Arguments.Queue();
        var command = new Command(verb, description) { name };
        return command.Runs(async run =>
            JsonText.Metadata(await run.Client.Queue(run.Get(name)).GetMetadataAsync(run.Cancellation).ConfigureAwait(false)));
    }

    private static Command Stats()
    {
        var name = Arguments.Queue();
        var command = new Command("stats", "Show a queue's message counts (free, claimed, total, oldest, newest)") { name };
        return command.Runs(async run =>
            JsonText.Stats(await run.Client.Queue(run.Get(name)).GetStatsAsync(run.Cancellation).ConfigureAwait(false)));
    }

    private static Command Metadata()
    {
        var metadata = new Command("metadata", "Read and change a queue's metadata");
        metadata.Subcommands.Add(Get("get", "Show a queue's metadata (reserved keys filled in)"));

        var name = Arguments.Queue();
        var key = new Argument<string>("KEY") { Description = "Metadata key" };
        var value = new Argument<string>("VALUE") { Description = "JSON value (text that is not JSON is taken as a string)" };
        var set = new Command("set", "Set one metadata key (JSON-patch add) and show the result") { name, key, value };
        metadata.Subcommands.Add(set.Runs(run => Patch(run, name, new MetadataPatch("add", run.Get(key), JsonText.ValueOrString(run.Get(value))))));

        var removeName = Arguments.Queue();
        var removeKey = new Argument<string>("KEY") { Description = "Metadata key" };
        var remove = new Command("remove", "Remove one metadata key (JSON-patch remove; an error when it is absent)") { removeName, removeKey };
        metadata.Subcommands.Add(remove.Runs(run => Patch(run, removeName, new MetadataPatch("remove", run.Get(removeKey)))));
        return metadata;
    }

    private static async Task<string?> Patch(Invocation run, Argument<string> name, MetadataPatch patch) =>
        JsonText.Metadata(await run.Client.Queue(run.Get(name)).PatchMetadataAsync([patch], run.Cancellation).ConfigureAwait(false));
}
