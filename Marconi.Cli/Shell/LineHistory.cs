namespace Marconi.Cli.Shell;

/// <summary>The shell's command history: bounded, without consecutive duplicates, persisted one line per entry.</summary>
internal sealed class LineHistory
{
    /// <summary>How many lines are kept, in memory and in the file.</summary>
    public const int Capacity = 500;

    private readonly List<string> _lines = new();
    private readonly string? _path;

    /// <summary>Loads the history from <paramref name="path"/> (if it exists); null keeps it in memory only.</summary>
    public LineHistory(string? path)
    {
        _path = path;
        if (path is not null && File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                AddInMemory(line);
            }
        }
    }

    /// <summary>The default file, ~/.marconi_history.</summary>
    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".marconi_history");

    /// <summary>The lines, oldest first.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Adds a line (blank lines and a repeat of the last line are not kept) and rewrites the file.</summary>
    public void Add(string line)
    {
        if (!AddInMemory(line) || _path is null)
        {
            return;
        }
        try
        {
            File.WriteAllLines(_path, _lines);
        }
        catch (IOException)
        {
            // History is a convenience: a read-only home must not stop the shell.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private bool AddInMemory(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || (_lines.Count > 0 && _lines[^1] == line))
        {
            return false;
        }
        _lines.Add(line);
        if (_lines.Count > Capacity)
        {
            _lines.RemoveRange(0, _lines.Count - Capacity);
        }
        return true;
    }
}
