namespace Marconi.Cli.Shell;

/// <summary>Completes the word under the cursor: a command name first, a queue name after a command.</summary>
internal sealed class Completer
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<string> _commands;
    private readonly Func<IReadOnlyList<string>> _fetchQueueNames;
    private readonly TimeProvider _time;
    private IReadOnlyList<string> _queueNames = Array.Empty<string>();
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    /// <summary>Completes among <paramref name="commands"/>, and queue names from <paramref name="fetchQueueNames"/> (cached briefly).</summary>
    public Completer(IReadOnlyList<string> commands, Func<IReadOnlyList<string>> fetchQueueNames, TimeProvider time)
    {
        _commands = commands;
        _fetchQueueNames = fetchQueueNames;
        _time = time;
    }

    /// <summary>
    /// Returns the line completed at its end: the unique candidate plus a space, else the candidates' longest common
    /// prefix; <paramref name="candidates"/> lists every match (for showing when there are several).
    /// </summary>
    public string Complete(string line, out IReadOnlyList<string> candidates)
    {
        var wordStart = line.LastIndexOf(' ') + 1;
        var word = line[wordStart..];
        var pool = wordStart == 0 ? _commands : QueueNames();
        var matches = pool.Where(c => c.StartsWith(word, StringComparison.Ordinal)).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
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
