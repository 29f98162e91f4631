namespace Marconi.Storage.Faster;

/// <summary>Size figures of a store at one moment.</summary>
/// <param name="LogBeginAddress">First address still in the log.</param>
/// <param name="LogTailAddress">Address the next record will take.</param>
/// <param name="LogCommittedAddress">Everything below this is durable.</param>
/// <param name="DiskBytes">Bytes of all files in the store's directory.</param>
/// <param name="QueueCount">Queues, all projects.</param>
/// <param name="MessageCount">Messages in the index (not yet swept when expired).</param>
/// <param name="IndexBytes">Bytes of the in-memory message index arrays.</param>
public sealed record StoreStatistics(long LogBeginAddress, long LogTailAddress, long LogCommittedAddress, long DiskBytes, int QueueCount, long MessageCount, long IndexBytes)
{
    /// <summary>Bytes between the log's begin and tail.</summary>
    public long LogSizeBytes => LogTailAddress - LogBeginAddress;
}
