using Marconi.Fuzz.Targets;
using SharpFuzz;

namespace Marconi.Fuzz;

/// <summary>Runs a target under afl-fuzz: SharpFuzz's persistent loop hands it each input; an escaping exception aborts the process, which AFL records as a crash.</summary>
internal static class AflLoop
{
    // AFL's inputs are small; a buffer reused across inputs keeps the loop from allocating one per run.
    private const int MaxInput = 1 << 20;

    public static int Run(string name)
    {
        var buffer = new byte[MaxInput];
        FuzzTarget? target = null;
        Fuzzer.Run(stream =>
        {
            // Instrumented code must not run before SharpFuzz has mapped AFL's coverage memory (it would write
            // through a null map), and the targets' static state runs instrumented constructors: resolve it here.
            target ??= FuzzTargets.Find(name) ?? throw new ArgumentException($"No fuzz target is named {name}.", nameof(name));

            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            // The target may keep slices of its input (message bodies are views of the request body), so it gets a copy.
            target.Run(buffer.AsSpan(0, length).ToArray());
        });
        return 0;
    }
}
