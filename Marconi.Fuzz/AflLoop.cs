using Marconi.Fuzz.Targets;
using SharpFuzz;

namespace Marconi.Fuzz;

/// <summary>Runs a target under afl-fuzz: SharpFuzz's persistent loop hands it each input; an escaping exception aborts the process, which AFL records as a crash.</summary>
internal static class AflLoop
{
    // AFL's inputs are small; a buffer reused across inputs keeps the loop from allocating one per run.
    private const int MaxInput = 1 << 20;

    public static int Run(FuzzTarget target)
    {
        var buffer = new byte[MaxInput];
        Fuzzer.Run(stream =>
        {
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
