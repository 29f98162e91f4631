using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster.Journal;

/// <summary>The journal's log messages (event ids 200-219).</summary>
internal static class JournalLog
{
    private static readonly Action<ILogger, string, long, long, Exception?> OpenedMessage = LoggerMessage.Define<string, long, long>(
        LogLevel.Information, new EventId(200, "JournalOpened"), "Journal {Directory} opened: begin {BeginAddress}, committed until {CommittedUntilAddress}");

    private static readonly Action<ILogger, string, string, Exception?> RecoveryFailedMessage = LoggerMessage.Define<string, string>(
        LogLevel.Error, new EventId(201, "JournalRecoveryFailed"), "FASTER could not recover the journal in {Directory}; its files were moved to {Quarantine} and the journal starts empty");

    private static readonly Action<ILogger, string, Exception?> ProblemMessage = LoggerMessage.Define<string>(
        LogLevel.Warning, new EventId(203, "JournalDamage"), "Journal damage: {Problem}");

    private static readonly Action<ILogger, Exception?> StorageFailedMessage = LoggerMessage.Define(
        LogLevel.Error, new EventId(204, "JournalStorageFailed"), "Journal storage failed; appends and commit waits fail until the journal is reopened");

    private static readonly Action<ILogger, int, double, Exception?> EpochDrainedMessage = LoggerMessage.Define<int, double>(
        LogLevel.Debug, new EventId(205, "JournalEpochDrained"), "A journal commit stalled; drained FASTER's epoch {Count} times before it completed after {Milliseconds:F1} ms");

    private static readonly Action<ILogger, int, int, Exception?> ThreadPoolRaisedMessage = LoggerMessage.Define<int, int>(
        LogLevel.Debug, new EventId(206, "JournalThreadPoolRaised"), "Raised the thread-pool minimum to {Workers} worker and {CompletionPorts} I/O threads for FASTER's blocking device writes");

    private static readonly Action<ILogger, Exception?> DisposeWithoutCommitMessage = LoggerMessage.Define(
        LogLevel.Warning, new EventId(207, "JournalClosedUncommitted"), "Journal closed without a final commit because its storage had failed; entries not yet committed are lost");

    public static void Opened(ILogger logger, string directory, long beginAddress, long committedUntilAddress) => OpenedMessage(logger, directory, beginAddress, committedUntilAddress, null);

    public static void RecoveryFailed(ILogger logger, string directory, string quarantine, Exception exception) => RecoveryFailedMessage(logger, directory, quarantine, exception);

    public static void Problem(ILogger logger, string problem) => ProblemMessage(logger, problem, null);

    public static void StorageFailed(ILogger logger, Exception exception) => StorageFailedMessage(logger, exception);

    public static void EpochDrained(ILogger logger, int count, double milliseconds) => EpochDrainedMessage(logger, count, milliseconds, null);

    public static void ThreadPoolRaised(ILogger logger, int workers, int completionPorts) => ThreadPoolRaisedMessage(logger, workers, completionPorts, null);

    public static void DisposeWithoutCommit(ILogger logger) => DisposeWithoutCommitMessage(logger, null);
}
