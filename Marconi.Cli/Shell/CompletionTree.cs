using System.CommandLine;
using Marconi.Cli.Commands;

namespace Marconi.Cli.Shell;

/// <summary>
/// What can follow a command path, read off the command tree itself: its subcommands, its options, and whether its
/// first argument is a queue name. The shell completes from this, so a new command completes without more code.
/// </summary>
internal sealed class CompletionTree
{
    private readonly Dictionary<string, CompletionTree> _children = new(StringComparer.Ordinal);
    private readonly List<string> _options = [];
    private readonly HashSet<string> _optionsWithValues = new(StringComparer.Ordinal);

    private CompletionTree(bool takesQueue) => TakesQueue = takesQueue;

    /// <summary>Whether the command's first argument is a queue name.</summary>
    public bool TakesQueue { get; }

    /// <summary>The subcommand names.</summary>
    public IEnumerable<string> Commands => _children.Keys;

    /// <summary>The option names (global ones included).</summary>
    public IReadOnlyList<string> Options => _options;

    /// <summary>
    /// The tree of <paramref name="root"/>'s subcommands except <paramref name="hidden"/>, plus the shell's
    /// <paramref name="builtIns"/> (name, and whether a queue name follows it).
    /// </summary>
    public static CompletionTree From(RootCommand root, IEnumerable<(string Name, bool TakesQueue)> builtIns, string hidden)
    {
        var tree = new CompletionTree(takesQueue: false);
        tree.AddOptions(root.Options);
        foreach (var command in root.Subcommands)
        {
            if (command.Name != hidden)
            {
                tree._children[command.Name] = Node(command, root.Options);
            }
        }

        foreach (var (name, takesQueue) in builtIns)
        {
            tree._children[name] = new CompletionTree(takesQueue);
        }

        return tree;
    }

    /// <summary>
    /// Where <paramref name="words"/> lead: the node of the longest command path they start with, how many arguments
    /// follow that path, and whether the last word is an option still waiting for its value.
    /// </summary>
    public (CompletionTree Node, int Arguments, bool AwaitingValue) Walk(IReadOnlyList<string> words)
    {
        var node = this;
        var arguments = 0;
        var awaitingValue = false;
        foreach (var word in words)
        {
            if (awaitingValue)
            {
                awaitingValue = false;
            }
            else if (word.StartsWith('-'))
            {
                awaitingValue = node._optionsWithValues.Contains(word);
            }
            else if (arguments == 0 && node._children.TryGetValue(word, out var child))
            {
                node = child;
            }
            else
            {
                arguments++;
            }
        }

        return (node, arguments, awaitingValue);
    }

    private static CompletionTree Node(Command command, IList<Option> inherited)
    {
        var node = new CompletionTree(command.Arguments.Count > 0 && command.Arguments[0].Name == Arguments.QueueName);
        node.AddOptions(inherited);
        node.AddOptions(command.Options);
        foreach (var sub in command.Subcommands)
        {
            node._children[sub.Name] = Node(sub, inherited);
        }

        return node;
    }

    private void AddOptions(IEnumerable<Option> options)
    {
        foreach (var option in options)
        {
            foreach (var name in option.Aliases.Prepend(option.Name))
            {
                if (!name.StartsWith("--", StringComparison.Ordinal) && !(name.Length == 2 && name[0] == '-'))
                {
                    continue;
                }

                if (!_options.Contains(name))
                {
                    _options.Add(name);
                }

                if (option.ValueType != typeof(bool))
                {
                    _optionsWithValues.Add(name);
                }
            }
        }
    }
}
