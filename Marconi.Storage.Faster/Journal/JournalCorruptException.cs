namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// A journal entry cannot be read back intact: its FASTER checksum, our frame header or our CRC-32C did not verify,
/// or its bytes could not be read. The entry's bytes are never handed out.
/// </summary>
internal sealed class JournalCorruptException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public JournalCorruptException()
        : base("A journal entry is damaged.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JournalCorruptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that revealed the damage.</summary>
    public JournalCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
