namespace Marconi.Storage.Faster;

/// <summary>What opening a store found on disk.</summary>
public sealed class RecoveryReport
{
    private readonly List<string> _problems = [];

    /// <summary>True when an index checkpoint was loaded (replay then started from it).</summary>
    public bool CheckpointLoaded { get; internal set; }

    /// <summary>Log records applied during replay.</summary>
    public long RecordsReplayed { get; internal set; }

    /// <summary>Log records found damaged or undecodable and left out.</summary>
    public long RecordsDropped { get; internal set; }

    /// <summary>Bytes of log left out because they were damaged.</summary>
    public long BytesDropped { get; internal set; }

    /// <summary>Queues and messages in the store once open.</summary>
    public long MessagesRecovered { get; internal set; }

    /// <summary>How long opening took.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>Each damage found, in words; empty when the store was intact.</summary>
    public IReadOnlyList<string> Problems => _problems;

    internal void AddProblem(string problem) => _problems.Add(problem);
}
