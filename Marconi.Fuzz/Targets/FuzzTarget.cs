namespace Marconi.Fuzz.Targets;

/// <summary>
/// One fuzz target: a parser fed arbitrary bytes. <see cref="Run"/> returns normally for any input the parser accepts
/// or refuses with its documented "bad input" exception; any other exception escaping it is a crash.
/// </summary>
public sealed class FuzzTarget
{
    private readonly Action<ReadOnlyMemory<byte>> _run;

    internal FuzzTarget(string name, string description, Action<ReadOnlyMemory<byte>> run)
    {
        Name = name;
        Description = description;
        _run = run;
    }

    /// <summary>The target's name: its argument to the fuzzer and its folder under Corpus/.</summary>
    public string Name { get; }

    /// <summary>What the target parses, for the usage text.</summary>
    public string Description { get; }

    /// <summary>Runs the parser over <paramref name="input"/>; throws only for a crash.</summary>
    public void Run(ReadOnlyMemory<byte> input) => _run(input);
}
