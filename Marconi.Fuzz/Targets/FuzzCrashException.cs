namespace Marconi.Fuzz.Targets;

/// <summary>
/// A property a target checks beyond "no unexpected exception" failed (for example the same bytes parsed whole and
/// split into pieces gave different results): a crash, like any other exception that escapes a target.
/// </summary>
public sealed class FuzzCrashException : Exception
{
    /// <summary>Creates the exception with a message saying which property failed.</summary>
    public FuzzCrashException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public FuzzCrashException()
        : this("A fuzz target's property failed.")
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public FuzzCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
