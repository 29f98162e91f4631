namespace Marconi.Benchmarks.Support;

/// <summary>A fresh directory under /tmp (the system temp path) that is deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string label)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"marconi-bench-{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a file still held open is left behind rather than failing the run.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
