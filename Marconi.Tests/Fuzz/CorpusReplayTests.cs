using Marconi.Fuzz;
using Marconi.Fuzz.Targets;

namespace Marconi.Tests.Fuzz;

/// <summary>
/// The committed fuzz corpus (Marconi.Fuzz/Corpus), replayed in-process through every target without AFL, so a
/// regression on a seed or on a crash AFL once found fails the suite on any machine.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var target in FuzzTargets.All)
        {
            data.Add(target.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_file_runs_through_the_target_without_a_crash(string name)
    {
        var target = FuzzTargets.Find(name);
        Assert.NotNull(target);
        var files = CorpusReplay.Files([CorpusRoot()]);
        Assert.NotEmpty(CorpusReplay.Files([Path.Combine(CorpusRoot(), name)]));

        // Every file through this target, not only its own: a head seed is a fine hostile JSON body and vice versa.
        using var output = new StringWriter();
        var result = CorpusReplay.Run([target], files, output);
        Assert.True(result == 0, output.ToString());
    }

    [Fact]
    public void A_crash_is_reported()
    {
        // The replay must be able to fail: a target whose parser throws something undocumented is reported.
        using var directory = new Support.TempDirectory("fuzz-replay");
        var file = Path.Combine(directory.Path, "input");
        File.WriteAllBytes(file, "GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        using var output = new StringWriter();
        Assert.Equal(0, CorpusReplay.Run([HttpTargets.Head], [file], output));
        var thrower = new FuzzTarget("throws", "always throws", _ => throw new InvalidOperationException("undocumented"));
        Assert.Equal(1, CorpusReplay.Run([thrower], [file], output));
        Assert.Contains("CRASH throws", output.ToString(), StringComparison.Ordinal);
    }

    private static string CorpusRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var corpus = Path.Combine(directory.FullName, "Marconi.Fuzz", "Corpus");
            if (Directory.Exists(corpus))
            {
                return corpus;
            }
        }

        throw new DirectoryNotFoundException("Marconi.Fuzz/Corpus was not found above " + AppContext.BaseDirectory);
    }
}
