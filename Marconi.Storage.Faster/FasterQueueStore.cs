using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Marconi.Core;
using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Storage.Faster.Checkpoints;
using Marconi.Storage.Faster.Journal;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Storage.Faster;

/// <summary>
/// The durable store: every state change is a record in one FASTER log (the write-ahead log of all projects and
/// queues); an in-memory index per queue answers reads, and bodies are read back from the log.
/// </summary>
/// <remarks>
/// <para>Writes append under the queue's lock (so a queue's log order is its change order), apply the record to the
/// index through the same code recovery uses, release the lock and await the group commit. Many writers share each
/// commit.</para>
/// <para>Recovery loads the newest valid index checkpoint and replays the log from there; damaged records are
/// dropped and reported. Maintenance sweeps expired messages, writes checkpoints, relocates the few live messages
/// left in old segments and truncates the log, so disk use stays bounded.</para>
/// <para>A storage fault makes the store refuse writes, keep serving reads and rebuild itself from disk until the log
/// commits again (see FasterQueueStore.Faults.cs).</para>
/// </remarks>
public sealed partial class FasterQueueStore : IQueueStore, IStoreHealth
{
    private const string StoreTagFileName = "store.tag";
    private const string LogDirectoryName = "log";

    // Replaced together, with every operation shut out by _gate, when the store rebuilds itself after a storage fault.
    private FasterJournal _journal;
    private StoreState _state;
    private CheckpointStore _checkpoints;
    private readonly StoreGate _gate = new();
    private readonly ReadPins _pins = new();
    private readonly ILogger _logger;
    private readonly ILogger _journalLogger;
    private readonly FasterQueueStoreOptions _options;
    private readonly uint _storeTag;
    private readonly string _directory;

    // The directory as metrics name it (one store per directory).
    private readonly string _fullDirectory;
    private readonly StoreLock _directoryLock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _maintenanceGate = new(1, 1);
    private Task _maintenance = Task.CompletedTask;
    private Task _supervisor = Task.CompletedTask;
    private int _disposed;

    private FasterQueueStore(string directory, StoreLock directoryLock, FasterQueueStoreOptions options, ILogger logger, ILogger journalLogger, StoreParts parts, uint storeTag)
    {
        _directory = directory;
        _directoryLock = directoryLock;
        _fullDirectory = Path.GetFullPath(directory);
        _options = options;
        _logger = logger;
        _journalLogger = journalLogger;
        _journal = parts.Journal;
        _state = parts.State;
        _checkpoints = parts.Checkpoints;
        _lastCheckpointTail = parts.CheckpointedTail;
        _reclaimedUntil = parts.Journal.BeginAddress;
        _storeTag = storeTag;
        Recovery = parts.Recovery;
    }

    /// <summary>The journal, index and checkpoints of one opening of the data directory, and what opening found.</summary>
    /// <param name="Journal">The opened log.</param>
    /// <param name="State">The in-memory index rebuilt from the checkpoint and the replayed log.</param>
    /// <param name="Checkpoints">The checkpoint files of the directory, loaded.</param>
    /// <param name="Recovery">What opening found: records replayed and dropped, damage.</param>
    /// <param name="CheckpointedTail">
    /// Where the log stops being covered by a checkpoint: only the replayed part counts as new, or the first maintenance
    /// tick after every open would write a checkpoint of an unchanged index (and its copy: +80 MB resident with 1 M
    /// messages).
    /// </param>
    private sealed record StoreParts(FasterJournal Journal, StoreState State, CheckpointStore Checkpoints, RecoveryReport Recovery, long CheckpointedTail);

    /// <inheritdoc />
    public TimeProvider TimeProvider => _options.TimeProvider;

    /// <summary>What opening the store found: replayed and dropped records, damage, time taken.</summary>
    public RecoveryReport Recovery { get; }

    /// <summary>
    /// Opens (or creates) the store in <paramref name="directory"/>, recovering every committed change.
    /// </summary>
    /// <param name="directory">The data directory; one store per directory.</param>
    /// <param name="options">Settings; null takes the defaults.</param>
    /// <param name="loggerFactory">Where to log; null logs nothing.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="InvalidDataException">
    /// The directory was written in a newer on-disk format (its <c>store.format</c> marker), or a marker file is damaged.
    /// </exception>
    public static async ValueTask<FasterQueueStore> OpenAsync(string directory, FasterQueueStoreOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new FasterQueueStoreOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<FasterQueueStore>();
        var started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(directory);

        // A newer build's directory is refused before the lock file is made: nothing of it may be written.
        var format = StoreFormat.Check(directory);
        var directoryLock = StoreLock.Acquire(directory);
        StoreParts parts;
        uint storeTag;
        var journalLogger = loggerFactory.CreateLogger<FasterJournal>();
        try
        {
            if (format is not StoreFormat.Current)
            {
                StoreFormat.MarkCurrent(directory);
            }

            storeTag = ReadOrCreateStoreTag(directory);
            parts = LoadParts(directory, options, logger, journalLogger, storeTag, strict: false);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }

        try
        {
            var store = new FasterQueueStore(directory, directoryLock, options, logger, journalLogger, parts, storeTag);
            var recovery = parts.Recovery;
            store.SweepAll();
            recovery.MessagesRecovered = store.CountMessages();
            recovery.Duration = Stopwatch.GetElapsedTime(started);
            LogOpened(logger, directory, parts.State.QueueCount, recovery.MessagesRecovered, recovery.RecordsReplayed, recovery.RecordsDropped, recovery.Duration.TotalMilliseconds);
            store._maintenance = Task.Run(store.RunMaintenanceAsync, CancellationToken.None);
            store._supervisor = Task.Run(store.SuperviseStorageAsync, CancellationToken.None);
            Telemetry.StoreMetrics.Opened(store, store._fullDirectory);
            return store;
        }
        catch
        {
            await parts.Journal.DisposeAsync().ConfigureAwait(false);
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the journal and rebuilds the index from the newest checkpoint and the log after it: the normal start-up
    /// path, also taken to rebuild after a storage fault (<paramref name="strict"/>: never by giving up committed data).
    /// </summary>
    private static StoreParts LoadParts(string directory, FasterQueueStoreOptions options, ILogger logger, ILogger journalLogger, uint storeTag, bool strict)
    {
        var journalOptions = new FasterJournalOptions
        {
            PageSizeBits = options.PageSizeBits,
            MemorySizeBits = options.MemorySizeBits,
            SegmentSizeBits = options.SegmentSizeBits,
            RelaxedCommitInterval = options.RelaxedCommitInterval,
            DeviceFactory = options.DeviceFactory,
            Strict = strict,
        };
        var journal = FasterJournal.Open(Path.Combine(directory, LogDirectoryName), journalOptions, journalLogger);
        try
        {
            var recovery = new RecoveryReport();
            var state = new StoreState { Recovering = true };
            var checkpoints = new CheckpointStore(directory, storeTag);
            var replayFrom = checkpoints.Load(state, recovery, logger);
            recovery.CheckpointLoaded = replayFrom is not null;
            var replayStart = Math.Max(replayFrom ?? 0, journal.BeginAddress);
            Replay(journal, state, replayStart, recovery, logger);
            state.Recovering = false;
            return new StoreParts(journal, state, checkpoints, recovery, replayStart);
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Size figures of the log, the files and the index.</summary>
    /// <exception cref="Marconi.Core.Errors.QueueException">Storage is unavailable: the store is rebuilding after a fault.</exception>
    public StoreStatistics GetStatistics()
    {
        if (_gate.TryEnter(out var lease) != StoreGate.Refusal.None)
        {
            ThrowHelper.StorageUnavailable(RebuildingMessage);
        }

        using var held = lease;
        long messages = 0, indexBytes = 0;
        foreach (var queue in _state.Queues)
        {
            lock (queue)
            {
                messages += queue.Messages.Count;
                indexBytes += queue.Messages.AllocatedBytes;
            }
        }

        long diskBytes = 0;
        foreach (var file in Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories))
        {
            try
            {
                diskBytes += new FileInfo(file).Length;
            }
            catch (IOException)
            {
                // A segment deleted by truncation while we looked.
            }
        }

        return new StoreStatistics(_journal.BeginAddress, _journal.TailAddress, _journal.CommittedUntilAddress, diskBytes, _state.QueueCount, messages, indexBytes);
    }

    /// <summary>Stops maintenance, commits everything appended and closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Telemetry.StoreMetrics.Closed(this);
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var background in (Task[])[_supervisor, _maintenance])
        {
            try
            {
                await background.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Maintenance and the fault supervisor stop by cancellation.
            }
        }

        await _journal.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _maintenanceGate.Dispose();

        // Last: the directory is free for another store only once the log is closed.
        _directoryLock.Dispose();
    }

    private static void Replay(FasterJournal journal, StoreState state, long from, RecoveryReport recovery, ILogger logger)
    {
        var report = new ReplayReport();
        foreach (var record in journal.Replay(from, report))
        {
            try
            {
                state.Apply(record.Address, record.Payload.Span);
                recovery.RecordsReplayed++;
            }
            catch (CorruptRecordException exception)
            {
                recovery.RecordsDropped++;
                recovery.BytesDropped += record.Payload.Length;
                recovery.AddProblem($"Record at {record.Address} dropped: {exception.Message}");
                LogRecordDropped(logger, record.Address, exception.Message);
            }
        }

        recovery.RecordsDropped += report.EntriesDropped;
        recovery.BytesDropped += report.BytesDropped;
        foreach (var problem in report.Problems)
        {
            recovery.AddProblem(problem);
        }
    }

    private static uint ReadOrCreateStoreTag(string directory)
    {
        var path = Path.Combine(directory, StoreTagFileName);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (uint.TryParse(text, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var existing) && existing != 0)
            {
                return existing;
            }

            throw new InvalidDataException($"The store tag file '{path}' is damaged; it must hold the store's 8 hex digit tag.");
        }

        uint tag;
        do
        {
            tag = (uint)RandomNumberGenerator.GetInt32(int.MaxValue) ^ ((uint)RandomNumberGenerator.GetInt32(2) << 31);
        }
        while (tag == 0);

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(tag.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return tag;
    }

    private long NowMs => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private string FormatId(long sequence) => ResourceIds.Format(sequence, _storeTag);

    private bool TryParseId(string? id, out long sequence)
    {
        sequence = 0;
        return id is not null && ResourceIds.TryParse(id, _storeTag, out sequence);
    }

    /// <summary>Appends a record and applies it to the state; the caller holds the locks the record's changes need.</summary>
    private long AppendAndApply(ReadOnlySpan<byte> record)
    {
        long address;
        try
        {
            address = _journal.Append(record);
        }
        catch (JournalUnavailableException exception)
        {
            NoteStorageFailed();
            ThrowHelper.StorageUnavailable("Storage is unavailable; the change was not made: " + exception.Message, exception);
            throw;
        }

        _state.Apply(address, record);
        return address;
    }

    /// <summary>Waits until the record at <paramref name="address"/> is durable (a no-op for relaxed writes).</summary>
    /// <remarks>
    /// The wait ignores cancellation on purpose: the change is in the log already, so giving up on its commit would only
    /// turn a known outcome into an unknown one, and the wait is bounded by one commit round (a failed round fails every
    /// waiter). Not registering the token also keeps the wait free of allocations.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CommitAsync(long address, WriteDurability durability = WriteDurability.Durable)
    {
        if (durability == WriteDurability.Relaxed)
        {
            return;
        }

        try
        {
            await _journal.WaitForCommitAsync(address, CancellationToken.None).ConfigureAwait(false);
        }
        catch (JournalUnavailableException exception)
        {
            ThrowCommitFailed(exception);
        }
    }

    private void ThrowCommitFailed(JournalUnavailableException exception)
    {
        NoteStorageFailed();
        ThrowHelper.StorageUnavailable("Storage is unavailable; the change could not be made durable and may or may not have been made: " + exception.Message.TrimEnd('.') + "." + DiskFullNote(), exception);
    }

    private long CountMessages()
    {
        long count = 0;
        foreach (var queue in _state.Queues)
        {
            lock (queue)
            {
                count += queue.Messages.Count;
            }
        }

        return count;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Store {Directory} opened: {Queues} queues, {Messages} messages, {Replayed} records replayed, {Dropped} dropped, in {Milliseconds:F0} ms")]
    private static partial void LogOpened(ILogger logger, string directory, int queues, long messages, long replayed, long dropped, double milliseconds);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Log record at {Address} dropped during recovery: {Reason}")]
    private static partial void LogRecordDropped(ILogger logger, long address, string reason);
}
