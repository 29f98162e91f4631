namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// The journal's storage failed (a device error, a failed FASTER commit): appends cannot be made durable any more.
/// </summary>
/// <remarks>
/// FASTER keeps a log whose commit failed in a permanent error state, so this is not transient: every later append
/// and commit wait fails the same way until the journal is disposed and opened again. The cause is the inner exception.
/// </remarks>
internal sealed class JournalUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public JournalUnavailableException()
        : base("The journal's storage is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JournalUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the storage failure behind it.</summary>
    public JournalUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
