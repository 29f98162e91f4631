namespace Marconi.Cli.Shell;

/// <summary>
/// Completes the word under the cursor (at the end of the line) from the command tree: command and subcommand names,
/// option names after '-', and queue names where a command takes one. Queue names are fetched on demand and cached
/// for a few seconds; <see cref="Invalidate"/> drops them after a command that creates or deletes queues.
/// </summary>
internal sealed class Completer
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly CompletionTree _tree;
    private readonly Func<IReadOnlyList<string>> _fetchQueueNames;
    private readonly TimeProvider _time;
    private IReadOnlyList<string> _queueNames = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    /// <summary>Completes from <paramref name="tree"/>, and queue names from <paramref name="fetchQueueNames"/> (cached briefly).</summary>
    public Completer(CompletionTree tree, Func<IReadOnlyList<string>> fetchQueueNames, TimeProvider time)
    {
        _tree = tree;
        _fetchQueueNames = fetchQueueNames;
        _time = time;
    }

    /// <summary>Forgets the cached queue names: the next completion fetches them again.</summary>
    public void Invalidate() => _fetchedAt = DateTimeOffset.MinValue;

    /// <summary>
    /// Returns the line completed at its end: the unique candidate plus a space, else the candidates' longest common
    /// prefix; <paramref name="candidates"/> lists every match (for showing when there are several).
    /// </summary>
    public string Complete(string line, out IReadOnlyList<string> candidates)
    {
        var wordStart = line.LastIndexOf(' ') + 1;
        var word = line[wordStart..];
        List<string> before;
        try
        {
            before = ShellWords.Split(line[..wordStart]);
        }
        catch (FormatException)
        {
            // Inside an open quote (a JSON body being typed): nothing to complete.
            candidates = [];
            return line;
        }

        var matches = Pool(before, word).Where(c => c.StartsWith(word, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
        candidates = matches;
        if (matches.Count == 0)
        {
            return line;
        }

        if (matches.Count == 1)
        {
            return line[..wordStart] + matches[0] + " ";
        }

        return line[..wordStart] + CommonPrefix(matches);
    }

    private IEnumerable<string> Pool(List<string> before, string word)
    {
        var (node, arguments, awaitingValue) = _tree.Walk(before);
        if (awaitingValue)
        {
            return [];
        }

        if (word.StartsWith('-'))
        {
            return node.Options;
        }

        if (arguments > 0)
        {
            return [];
        }

        return node.TakesQueue ? node.Commands.Concat(QueueNames()) : node.Commands;
    }

    private IReadOnlyList<string> QueueNames()
    {
        var now = _time.GetUtcNow();
        if (now - _fetchedAt >= CacheLifetime)
        {
            _queueNames = _fetchQueueNames();
            _fetchedAt = now;
        }

        return _queueNames;
    }

    private static string CommonPrefix(List<string> words)
    {
        var length = words[0].Length;
        foreach (var w in words)
        {
            length = Math.Min(length, w.Length);
            for (var i = 0; i < length; i++)
            {
                if (w[i] != words[0][i])
                {
                    length = i;
                    break;
                }
            }
        }

        return words[0][..length];
    }
}
