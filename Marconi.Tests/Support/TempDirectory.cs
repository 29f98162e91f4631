namespace Marconi.Tests.Support;

/// <summary>A unique directory under the system temp directory, deleted (with its content) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "marconi")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "marconi-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    public void Dispose()
    {
        // Best effort: a file still held open by a misbehaving store must not turn a passing test into a failure.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(50);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(50);
            }
        }
    }
}
