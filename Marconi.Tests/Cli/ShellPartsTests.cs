using System.Text.Json;
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

    [Fact]
    public void First_word_completes_among_commands_later_words_among_queue_names()
    {
        var completer = new Completer(["help", "health", "use", "exit"], () => ["orders", "order-dlq", "users"], TimeProvider.System);

        Assert.Equal("use ", completer.Complete("u", out var one));
        Assert.Equal(["use"], one);
        Assert.Equal("he", completer.Complete("he", out var several));
        Assert.Equal(["health", "help"], several);
        Assert.Equal("help ", completer.Complete("hel", out _));
        Assert.Equal("use order", completer.Complete("use o", out var queues));
        Assert.Equal(["order-dlq", "orders"], queues);
        Assert.Equal("use users ", completer.Complete("use u", out _));
        Assert.Equal("zz", completer.Complete("zz", out var none));
        Assert.Empty(none);
    }

    [Fact]
    public void Queue_names_are_fetched_once_per_cache_lifetime()
    {
        var time = new FakeTimeProvider();
        var fetches = 0;
        var completer = new Completer(["use"], () => { fetches++; return ["q1"]; }, time);

        completer.Complete("use q", out _);
        completer.Complete("use q", out _);
        Assert.Equal(1, fetches);
        time.Advance(TimeSpan.FromSeconds(6));
        completer.Complete("use q", out _);
        Assert.Equal(2, fetches);
    }
}
