using FASTER.core;

namespace Marconi.Storage.Faster.Journal;

/// <summary>Settings of a <see cref="FasterJournal"/>. The defaults are the measured ones from the FASTER notes.</summary>
internal sealed class FasterJournalOptions
{
    /// <summary>
    /// Log page size as a power of two (default 22, 4 MiB). An entry never spans pages, so this bounds
    /// <see cref="FasterJournal.MaxPayloadSize"/>.
    /// </summary>
    public int PageSizeBits { get; init; } = 22;

    /// <summary>In-memory part of the log as a power of two (default 26, 64 MiB); must hold at least one page.</summary>
    public int MemorySizeBits { get; init; } = 26;

    /// <summary>Segment file size as a power of two (default 28, 256 MiB); truncation deletes whole segments only.</summary>
    public int SegmentSizeBits { get; init; } = 28;

    /// <summary>
    /// The longest an appended entry that nobody waits for stays uncommitted (default 5 ms). An entry somebody waits
    /// for is committed at once.
    /// </summary>
    public TimeSpan RelaxedCommitInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Creates the segment device from the base path of the segment files; null uses FASTER's local file device.
    /// Tests wrap the local device here to inject I/O failures.
    /// </summary>
    public Func<string, IDevice>? DeviceFactory { get; init; }

    /// <summary>
    /// Refuse, with <see cref="JournalUnavailableException"/>, to open by giving up committed entries (starting empty
    /// or from FASTER's shorter end). Set when reopening after a storage fault, which a later attempt may outlive.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Throws when a setting is out of the range FASTER accepts.</summary>
    internal void Validate()
    {
        // FASTER's addresses keep 48 bits; a page must hold our 28 bytes of headers plus a payload.
        if (PageSizeBits is < 9 or > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSizeBits), PageSizeBits, "The page size must be between 2^9 and 2^30 bytes.");
        }

        if (MemorySizeBits < PageSizeBits || MemorySizeBits > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(MemorySizeBits), MemorySizeBits, "The log memory must hold at least one page and at most 2^40 bytes.");
        }

        if (SegmentSizeBits < PageSizeBits || SegmentSizeBits > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSizeBits), SegmentSizeBits, "A segment must hold at least one page and at most 2^40 bytes.");
        }

        if (RelaxedCommitInterval <= TimeSpan.Zero || RelaxedCommitInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RelaxedCommitInterval), RelaxedCommitInterval, "The relaxed commit interval must be positive and at most one minute.");
        }
    }
}
