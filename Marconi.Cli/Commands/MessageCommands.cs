using System.CommandLine;
using Marconi.Client;

namespace Marconi.Cli.Commands;

/// <summary>`marconi post | list | get | delete | pop`.</summary>
internal static class MessageCommands
{
    /// <summary>The message commands.</summary>
    public static IEnumerable<Command> All() => [Post(), List(), Get(), Delete(), Pop()];

    private static Command Post()
    {
        var name = Arguments.Queue();
        var bodies = new Argument<string[]>("BODY") { Description = "Message bodies, each a JSON value; '-' reads one body per line from stdin", Arity = ArgumentArity.OneOrMore };
        var ttl = Arguments.Ttl("Seconds each message lives (60-1209600; default the queue's)");
        var delay = new Option<int?>("--delay") { Description = "Seconds before the messages can be listed or claimed (0-900)" };
        var command = new Command("post", "Post messages to a queue (creating it); prints their ids") { name, bodies, ttl, delay };
        return command.Runs(async run =>
        {
            var messages = new List<NewMessage>();
            foreach (var body in run.Get(bodies))
            {
                if (body == "-")
                {
                    var lineNumber = 0;
                    while (await Console.In.ReadLineAsync(run.Cancellation).ConfigureAwait(false) is { } line)
                    {
                        lineNumber++;
                        if (!string.IsNullOrWhiteSpace(line))
                        {
                            messages.Add(new NewMessage(JsonText.Parse(line, $"stdin line {lineNumber}"), run.Get(ttl), run.Get(delay)));
                        }
                    }
                }
                else
                {
                    messages.Add(new NewMessage(JsonText.Parse(body, "BODY"), run.Get(ttl), run.Get(delay)));
                }
            }

            if (messages.Count == 0)
            {
                throw new UsageException("No message to post: stdin was empty.");
            }

            var ids = await run.Client.Queue(run.Get(name)).PostAsync(messages, run.Cancellation).ConfigureAwait(false);
            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("ids");
                foreach (var id in ids)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        });
    }

    private static Command List()
    {
        var name = Arguments.Queue();
        var echo = new Option<bool>("--echo", "-e") { Description = "Also list messages posted with this Client-ID" };
        var claimed = new Option<bool>("--include-claimed", "-c") { Description = "Also list claimed messages" };
        var delayed = new Option<bool>("--include-delayed") { Description = "Also list messages still delayed" };
        var limit = Arguments.Limit("Messages per page (1-20; default 10)");
        var marker = Arguments.Marker();
        var command = new Command("list", "List a queue's messages, oldest first") { name, echo, claimed, delayed, limit, marker };
        return command.Runs(async run =>
        {
            var options = new MessageListOptions(run.Get(limit), run.Get(marker), run.Get(echo), run.Get(claimed), run.Get(delayed));
            var page = await run.Client.Queue(run.Get(name)).ListMessagesAsync(options, run.Cancellation).ConfigureAwait(false);
            return JsonText.Messages(page.Messages, page.NextMarker);
        });
    }

    private static Command Get()
    {
        var name = Arguments.Queue();
        var ids = new Argument<string[]>("ID") { Description = "Message ids (one shows the message, several list those that exist)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("get", "Show messages by id") { name, ids };
        return command.Runs(async run =>
        {
            var queue = run.Client.Queue(run.Get(name));
            var wanted = run.Get(ids);
            if (wanted.Length == 1)
            {
                var message = await queue.GetMessageAsync(wanted[0], run.Cancellation).ConfigureAwait(false);
                return JsonText.Write(writer => JsonText.Message(writer, message));
            }

            return JsonText.Messages(await queue.GetMessagesAsync(wanted, run.Cancellation).ConfigureAwait(false));
        });
    }

    private static Command Delete()
    {
        var name = Arguments.Queue();
        var ids = new Argument<string[]>("ID") { Description = "Message ids", Arity = ArgumentArity.OneOrMore };
        var claim = new Option<string?>("--claim") { Description = "The claim holding the message (needed to delete a claimed message)" };
        var command = new Command("delete", "Delete messages by id (ids that do not exist are not an error)") { name, ids, claim };
        return command.Runs(async run =>
        {
            var queue = run.Client.Queue(run.Get(name));
            var doomed = run.Get(ids);
            if (doomed.Length == 1)
            {
                await queue.DeleteMessageAsync(doomed[0], run.Get(claim), run.Cancellation).ConfigureAwait(false);
            }
            else if (run.Get(claim) is not null)
            {
                throw new UsageException("--claim deletes one message: give one ID with it.");
            }
            else
            {
                await queue.DeleteMessagesAsync(doomed, run.Cancellation).ConfigureAwait(false);
            }

            return JsonText.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray("deleted");
                foreach (var id in doomed)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        });
    }

    private static Command Pop()
    {
        var name = Arguments.Queue();
        var limit = Arguments.Limit("Messages to pop (1-20; default 1)");
        var command = new Command("pop", "Delete and show up to --limit free messages") { name, limit };
        return command.Runs(async run =>
            JsonText.Messages(await run.Client.Queue(run.Get(name)).PopAsync(run.Get(limit) ?? 1, run.Cancellation).ConfigureAwait(false)));
    }
}
