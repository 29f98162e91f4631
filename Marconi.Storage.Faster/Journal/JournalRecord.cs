namespace Marconi.Storage.Faster.Journal;

/// <summary>One verified entry produced by <see cref="FasterJournal.Replay"/>.</summary>
/// <remarks>
/// The payload lives in a buffer the replay reuses: it is valid only until the enumeration moves to the next item
/// or ends. Copy what must outlive that.
/// </remarks>
/// <param name="Address">The entry's logical address.</param>
/// <param name="Payload">The payload bytes, header stripped and CRC verified.</param>
internal readonly record struct JournalRecord(long Address, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The payload as a span; same lifetime as <see cref="Payload"/>.</summary>
    public ReadOnlySpan<byte> Span => Payload.Span;
}
