using System.Globalization;
using System.Text;

namespace Marconi.Storage.Faster;

/// <summary>
/// Holds a data directory for one open store. Two stores appending to one log, in one process or two, would interleave
/// their records and each trust its own index: the second open must fail instead. The lock is an exclusive advisory
/// lock on <c>store.lock</c> (on Linux, .NET opens a file with <see cref="FileShare.None"/> under <c>flock</c>), which
/// the kernel releases when the process dies, so a store killed with SIGKILL reopens without cleanup. Setting
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns .NET's file locks, and so this guard, off.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    /// <summary>The lock file's name in the data directory; it holds the holder's process id, for operators.</summary>
    public const string FileName = "store.lock";

    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    /// <summary>Takes the directory, or throws when another open store holds it.</summary>
    /// <exception cref="IOException">Another store (this process or another) has the directory open.</exception>
    public static StoreLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
        {
            // The holder's pid cannot be read back from here: .NET's own open would ask for a shared lock and fail too.
            throw new IOException($"The data directory {directory} is in use by another open store (its process id is in {FileName}): one directory serves one store at a time.", exception);
        }

        try
        {
            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            file.SetLength(0);
            file.Write(pid);
            file.Flush();
            return new StoreLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Releases the directory.</summary>
    public void Dispose() => _file.Dispose();
}
