namespace Marconi.Storage.Faster.Records;

/// <summary>The kinds of log record: every state change of the store is one of these.</summary>
internal enum RecordType : byte
{
    QueueCreated = 1,
    QueueMetadataSet = 2,
    QueueDeleted = 3,
    QueuePurged = 4,
    MessagesPosted = 5,
    MessagesDeleted = 6,
    MessagesClaimed = 7,
    ClaimRenewed = 8,
    ClaimReleased = 9,
    MessagesRelocated = 10,
    SubscriptionSet = 11,
    SubscriptionDeleted = 12,
    SubscriptionsPurged = 13,

    /// <summary>Changes nothing: written after a storage fault to learn whether the log can commit again.</summary>
    StorageProbe = 14,
}
