namespace Marconi.Storage.Faster.Records;

/// <summary>A record's bytes do not decode: it is dropped, never applied in part or served.</summary>
internal sealed class CorruptRecordException : Exception
{
    public CorruptRecordException()
    {
    }

    public CorruptRecordException(string message)
        : base(message)
    {
    }

    public CorruptRecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
