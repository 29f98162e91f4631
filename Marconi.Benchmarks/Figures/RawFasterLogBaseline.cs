using FASTER.core;

namespace Marconi.Benchmarks.Figures;

/// <summary>
/// FasterLog opened directly in the best mode of docs FASTER-NOTES: FastCommitMode, per-entry checksums, a
/// DeviceLogCommitCheckpointManager throttled to one metadata write per 1000 fast commits, page 4 MiB, memory 64 MiB,
/// segment 1 GiB, and one committer loop on its own thread committing whenever something was enqueued. Writers
/// enqueue and then await <c>WaitForCommitAsync(address + 1)</c>. This is the ceiling the store builds on.
/// </summary>
public sealed class RawFasterLogBaseline : IDisposable
{
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromMilliseconds(20);
    private readonly IDevice _device;
    private readonly DeviceLogCommitCheckpointManager _commitManager;
    private readonly FasterLog _log;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _committer;
    private volatile bool _stop;
    private long _commits;
    private Exception? _failure;

    public RawFasterLogBaseline(string directory)
    {
        _device = Devices.CreateLogDevice(Path.Combine(directory, "raw.log"), preallocateFile: false, deleteOnClose: false);
        _commitManager = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(),
            new DefaultCheckpointNamingScheme(directory),
            removeOutdated: true,
            fastCommitThrottleFreq: 1000);
        _log = new FasterLog(new FasterLogSettings
        {
            LogDevice = _device,
            PageSizeBits = 22,
            MemorySizeBits = 26,
            SegmentSizeBits = 30,
            FastCommitMode = true,
            LogChecksum = LogChecksumType.PerEntry,
            LogCommitManager = _commitManager,
            TryRecoverLatest = false,
            AutoCommit = false,
        });
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = "raw FasterLog committer" };
        _committer.Start();
    }

    /// <summary>Commits completed so far (group-commit rounds).</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>Appends one entry and returns once a commit covers it.</summary>
    public ValueTask AppendDurableAsync(byte[] entry)
    {
        var failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            throw new InvalidOperationException("The raw FasterLog committer failed.", failure);
        }

        var address = _log.Enqueue(entry);
        _wake.Set();
        return _log.WaitForCommitAsync(address + 1);
    }

    public void Dispose()
    {
        _stop = true;
        _wake.Set();
        _committer.Join();
        _log.Dispose();
        _commitManager.Dispose();
        _device.Dispose();
        _wake.Dispose();
    }

    private void CommitLoop()
    {
        try
        {
            while (!_stop)
            {
                // Reset before committing: an enqueue that sets the event after this point is either covered by the
                // commit below or wakes the next round.
                _wake.Wait(TimeSpan.FromMilliseconds(5));
                _wake.Reset();
                if (_log.TailAddress > Volatile.Read(ref _log.CommittedUntilAddress))
                {
                    var commit = _log.CommitAsync().AsTask();

                    // The epoch-drain watchdog of the notes (cf. microsoft/FASTER#199); it only acts after 20 ms
                    // without progress, so it costs nothing while commits complete.
                    WaitWithWatchdog(commit);
                    commit.GetAwaiter().GetResult();
                    Interlocked.Increment(ref _commits);
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Volatile.Write(ref _failure, exception);
        }
    }

    private void WaitWithWatchdog(Task commit)
    {
        var lastCommitted = Volatile.Read(ref _log.CommittedUntilAddress);
        var lastFlushed = _log.FlushedUntilAddress;
        while (!HasCompleted(commit))
        {
            var committed = Volatile.Read(ref _log.CommittedUntilAddress);
            var flushed = _log.FlushedUntilAddress;
            if (committed != lastCommitted || flushed != lastFlushed)
            {
                lastCommitted = committed;
                lastFlushed = flushed;
                continue;
            }

            // No progress for 20 ms: enter and leave the epoch, which runs a pending flush completion.
            _log.ReadRecordLengthAsync(long.MaxValue).AsTask().Wait(WatchdogInterval);
        }
    }

    private static bool HasCompleted(Task commit)
    {
        try
        {
            return commit.Wait(WatchdogInterval);
        }
        catch (AggregateException)
        {
            return true;
        }
    }
}
