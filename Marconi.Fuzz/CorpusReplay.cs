using Marconi.Fuzz.Targets;

namespace Marconi.Fuzz;

/// <summary>Runs files through targets in-process, without AFL: the corpus replay of CI and of the xunit suite, and how a crash AFL found is reproduced with its stack trace.</summary>
public static class CorpusReplay
{
    /// <summary>The files at <paramref name="paths"/> (a folder stands for every file under it), in a stable order.</summary>
    public static IReadOnlyList<string> Files(IEnumerable<string> paths) =>
        paths.SelectMany(path => Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.'))
                : [path])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Runs every file through every target; prints each crash with its exception; 0 when there was none, 1 otherwise.</summary>
    public static int Run(IReadOnlyList<FuzzTarget> targets, IEnumerable<string> paths, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(output);
        var files = Files(paths);
        var crashes = 0;
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            foreach (var target in targets)
            {
                try
                {
                    target.Run(input);
                }
#pragma warning disable CA1031 // Any exception escaping a target is the crash being reported.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    crashes++;
                    output.WriteLine($"CRASH {target.Name} {file} ({input.Length} bytes): {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 256)))}");
                    output.WriteLine(error.ToString());
                }
            }
        }

        output.WriteLine($"replay: {files.Count} files x {targets.Count} targets, {crashes} crashes");
        return crashes == 0 ? 0 : 1;
    }
}
