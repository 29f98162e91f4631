using System.Text;

namespace Marconi.Cli.Shell;

/// <summary>
/// Reads one line from the terminal with editing at the end of the line: Backspace, Up/Down through the history, Tab
/// to complete, Ctrl-D on an empty line for end of input. When stdin is not a terminal it reads plain lines.
/// </summary>
internal sealed class LineEditor
{
    private readonly LineHistory _history;
    private readonly Completer _completer;

    /// <summary>An editor over <paramref name="history"/> that completes with <paramref name="completer"/>.</summary>
    public LineEditor(LineHistory history, Completer completer)
    {
        _history = history;
        _completer = completer;
    }

    /// <summary>Shows <paramref name="prompt"/> and returns the line read, or null at end of input.</summary>
    public string? ReadLine(string prompt)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }
        Console.Write(prompt);
        var line = new StringBuilder();
        var recall = _history.Lines.Count;
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    return line.ToString();
                case ConsoleKey.Backspace when line.Length > 0:
                    line.Length--;
                    Console.Write("\b \b");
                    break;
                case ConsoleKey.UpArrow when recall > 0:
                    recall--;
                    Replace(prompt, line, _history.Lines[recall]);
                    break;
                case ConsoleKey.DownArrow when recall < _history.Lines.Count:
                    recall++;
                    Replace(prompt, line, recall == _history.Lines.Count ? string.Empty : _history.Lines[recall]);
                    break;
                case ConsoleKey.Tab:
                    var completed = _completer.Complete(line.ToString(), out var candidates);
                    if (candidates.Count > 1 && completed == line.ToString())
                    {
                        Console.WriteLine();
                        Console.WriteLine(string.Join("  ", candidates));
                        Console.Write(prompt + line);
                    }
                    else
                    {
                        Replace(prompt, line, completed);
                    }
                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control):
                    if (line.Length == 0)
                    {
                        Console.WriteLine();
                        return null;
                    }
                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        line.Append(key.KeyChar);
                        Console.Write(key.KeyChar);
                    }
                    break;
            }
        }
    }

    private static void Replace(string prompt, StringBuilder line, string text)
    {
        // Carriage return, rewrite, and clear what the old line left to the right.
        Console.Write("\r" + prompt + text + "\u001b[K");
        line.Clear().Append(text);
    }
}
