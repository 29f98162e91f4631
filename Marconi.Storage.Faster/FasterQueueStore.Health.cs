using System.Globalization;
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
        var freeBytes = FreeDiskBytes();
        return ValueTask.FromResult(new StoreHealth
        {
            Backend = "faster",
            Status = available ? StoreStatus.Ok : StoreStatus.Unavailable,
            Detail = available ? null : RebuildingMessage + DiskFullNote(),
            LogSizeBytes = LogSizeBytes,
            DiskBytes = DirectoryBytes(),
            FreeDiskBytes = freeBytes,
            CommitLatency = _journal.CommitLatency.Summarize(),
        });
    }

    /// <summary>Free space for an unprivileged user on the data directory's file system, or null when unknown.</summary>
    private long? FreeDiskBytes()
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(_directory)).AvailableFreeSpace;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No drive information for this path (an unusual mount): reported as unknown.
            return null;
        }
    }

    private string DiskFullNote() => DiskFullNote(FreeDiskBytes(), _options.PageSizeBits);

    /// <summary>
    /// A sentence naming a full disk when the data directory's file system has less free space than two log pages
    /// (a page flush needs up to one), else empty: storage errors reach us from FASTER without their errno.
    /// </summary>
    internal static string DiskFullNote(long? freeBytes, int pageSizeBits) =>
        freeBytes is { } free && free < 2L << pageSizeBits
            ? string.Create(CultureInfo.InvariantCulture, $" The file system of the data directory has {free} bytes free: the disk is full; the store accepts writes again once there is space.")
            : string.Empty;

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
