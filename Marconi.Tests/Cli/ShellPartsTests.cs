using System.Text.Json;
using Marconi.Cli;
using Marconi.Cli.Shell;
using Microsoft.Extensions.Time.Testing;

namespace Marconi.Tests.Cli;

/// <summary>The shell's parts in-process: JSON printing, bounded persisted history, completion of commands and queue names.</summary>
public sealed class ShellPartsTests
{
    [Fact]
    public void Plain_json_is_indented_and_parses_back_to_the_same_value()
    {
        const string json = """{"messages":[{"body":{"a":1,"b":[true,null,"x"]},"ttl":300}],"empty":{},"none":[]}""";
        var printed = JsonPrinter.Format(json, colour: false);
        Assert.Equal(
            "{\n  \"messages\": [\n    {\n      \"body\": {\n        \"a\": 1,\n        \"b\": [\n          true,\n          null,\n          \"x\"\n        ]\n      },\n      \"ttl\": 300\n    }\n  ],\n  \"empty\": {},\n  \"none\": []\n}",
            printed);
        Assert.DoesNotContain('\u001b', printed);
        using var reparsed = JsonDocument.Parse(printed);
        Assert.Equal(1, reparsed.RootElement.GetProperty("messages")[0].GetProperty("body").GetProperty("a").GetInt32());
    }

    [Fact]
    public void Coloured_json_paints_keys_strings_numbers_and_literals_and_reset_after_each()
    {
        var printed = JsonPrinter.Format("""{"k":"v","n":2,"t":true}""", colour: true);
        Assert.Contains("\u001b[36m\"k\"\u001b[0m", printed, StringComparison.Ordinal);
        Assert.Contains("\u001b[32m\"v\"\u001b[0m", printed, StringComparison.Ordinal);
        Assert.Contains("\u001b[33m2\u001b[0m", printed, StringComparison.Ordinal);
        Assert.Contains("\u001b[35mtrue\u001b[0m", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_json_is_an_error_not_a_silent_print()
    {
        Assert.ThrowsAny<JsonException>(() => JsonPrinter.Format("{not json", colour: false));
    }

    [Fact]
    public void History_skips_blanks_and_repeats_is_bounded_and_survives_a_reload()
    {
        var path = Path.Combine(Path.GetTempPath(), $"marconi-history-{Guid.NewGuid():N}");
        try
        {
            var history = new LineHistory(path);
            history.Add("use q");
            history.Add("use q");
            history.Add("   ");
            history.Add("help");
            Assert.Equal(["use q", "help"], history.Lines);
            Assert.Equal(["use q", "help"], new LineHistory(path).Lines);

            for (var i = 0; i < LineHistory.Capacity + 10; i++)
            {
                history.Add($"line {i}");
            }
            var reloaded = new LineHistory(path);
            Assert.Equal(LineHistory.Capacity, reloaded.Lines.Count);
            Assert.Equal($"line {LineHistory.Capacity + 9}", reloaded.Lines[^1]);
            Assert.Equal(LineHistory.Capacity, File.ReadAllLines(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static CompletionTree Tree() => CompletionTree.From(CliApp.Build(), [("help", false), ("use", true), ("exit", false)], "shell");

    [Fact]
    public void First_word_completes_among_commands_and_built_ins_but_not_shell()
    {
        var completer = new Completer(Tree(), () => ["orders"], TimeProvider.System);

        Assert.Equal("use ", completer.Complete("u", out var one));
        Assert.Equal(["use"], one);
        Assert.Equal("p", completer.Complete("p", out var several));
        Assert.Equal(["ping", "pop", "post", "purge"], several);
        Assert.Equal("he", completer.Complete("he", out var help));
        Assert.Equal(["health", "help"], help);
        Assert.Equal("subscription ", completer.Complete("sub", out _));
        Assert.Equal("s", completer.Complete("s", out var noShell));
        Assert.Equal(["share", "subscription"], noShell);
        Assert.Equal("zz", completer.Complete("zz", out var none));
        Assert.Empty(none);
    }

    [Fact]
    public void Later_words_complete_subcommands_queue_names_and_options_where_the_command_takes_them()
    {
        var completer = new Completer(Tree(), () => ["orders", "order-dlq", "users"], TimeProvider.System);

        // A group completes its subcommands; a command taking a queue completes queue names (and subcommands, for claim).
        Assert.Equal("queue ", completer.Complete("queue", out _));
        Assert.Equal("queue ", completer.Complete("queue ", out var groupWords));
        Assert.Equal(["create", "delete", "get", "list", "metadata", "stats"], groupWords);
        Assert.Equal("queue stats ", completer.Complete("queue sta", out _));
        Assert.Equal("queue stats order", completer.Complete("queue stats o", out var queues));
        Assert.Equal(["order-dlq", "orders"], queues);
        Assert.Equal("list users ", completer.Complete("list u", out _));
        Assert.Equal("use orders ", completer.Complete("use orders", out _));
        Assert.Equal("claim ", completer.Complete("claim", out _));
        Assert.Equal("claim u", completer.Complete("claim u", out var claimWords));
        Assert.Equal(["update", "users"], claimWords);

        // Options complete after '-', global ones included; an option's value and later arguments complete nothing.
        Assert.Equal("list orders --include-", completer.Complete("list orders --inc", out var options));
        Assert.Equal(["--include-claimed", "--include-delayed"], options);
        Assert.Equal("post orders --ttl ", completer.Complete("post orders --tt", out _));
        Assert.Equal("list --project ", completer.Complete("list --proj", out _));
        Assert.Empty(Candidates(completer, "list --limit "));
        Assert.Equal("list --limit 5 users ", completer.Complete("list --limit 5 u", out _));
        Assert.Empty(Candidates(completer, "get orders "));
        Assert.Empty(Candidates(completer, "post orders '{\"a\": "));
        Assert.Empty(Candidates(completer, "help o"));
    }

    private static IReadOnlyList<string> Candidates(Completer completer, string line)
    {
        completer.Complete(line, out var candidates);
        return candidates;
    }

    [Fact]
    public void Queue_names_are_fetched_once_per_cache_lifetime_and_again_after_invalidate()
    {
        var time = new FakeTimeProvider();
        var fetches = 0;
        var completer = new Completer(Tree(), () => { fetches++; return ["q1"]; }, time);

        completer.Complete("use q", out _);
        completer.Complete("list q", out _);
        Assert.Equal(1, fetches);
        time.Advance(TimeSpan.FromSeconds(6));
        completer.Complete("use q", out _);
        Assert.Equal(2, fetches);
        completer.Invalidate();
        completer.Complete("use q", out _);
        Assert.Equal(3, fetches);
        completer.Complete("queue ", out _);
        Assert.Equal(3, fetches);
    }

    [Fact]
    public void Shell_words_split_on_blanks_and_keep_quoted_json_whole()
    {
        Assert.Equal(["post", "q", """{"a": 1, "b": "x y"}""", "2"], ShellWords.Split("""  post q '{"a": 1, "b": "x y"}'   2 """));
        Assert.Equal(["post", "q", "say \"hi\" \\ ok"], ShellWords.Split("post q \"say \\\"hi\\\" \\\\ ok\""));
        Assert.Equal(["a b", "c"], ShellWords.Split("a\\ b c"));
        Assert.Equal(["", "x"], ShellWords.Split("'' x"));
        Assert.Empty(ShellWords.Split("   "));
        Assert.Throws<FormatException>(() => ShellWords.Split("post q '{\"a\":1}"));
    }
}
