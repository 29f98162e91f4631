using Marconi.Core.Model;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    /// <summary>Bytes between the log's begin and tail addresses (0 while the log is being reopened after a fault).</summary>
    public long LogSizeBytes
    {
        get
        {
            try
            {
                var journal = _journal;
                return Math.Max(0, journal.TailAddress - journal.BeginAddress);
            }
            catch (ObjectDisposedException)
            {
                return 0;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<StoreHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        var available = _storageAvailable;
        long? freeBytes = null;
        try
        {
            freeBytes = new DriveInfo(Path.GetFullPath(_directory)).AvailableFreeSpace;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No drive information for this path (an unusual mount): reported as unknown.
        }

        return ValueTask.FromResult(new StoreHealth
        {
            Backend = "faster",
            Status = available ? StoreStatus.Ok : StoreStatus.Unavailable,
            Detail = available ? null : RebuildingMessage,
            LogSizeBytes = LogSizeBytes,
            DiskBytes = DirectoryBytes(),
            FreeDiskBytes = freeBytes,
            CommitLatency = _journal.CommitLatency.Summarize(),
        });
    }

    private long DirectoryBytes()
    {
        long bytes = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories))
            {
                try
                {
                    bytes += new FileInfo(file).Length;
                }
                catch (IOException)
                {
                    // A segment deleted by truncation while we looked.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // A subdirectory removed while we looked: what was counted stands.
        }

        return bytes;
    }
}
