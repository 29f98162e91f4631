using System.Diagnostics;
using System.Runtime.CompilerServices;
using FASTER.core;
using Marconi.Storage.Faster.Telemetry;
using Microsoft.Extensions.Logging;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// The one thread that commits the log: at once when somebody waits for durability, otherwise at most
/// <see cref="FasterJournalOptions.RelaxedCommitInterval"/> after the first uncommitted append.
/// </summary>
/// <remarks>
/// <para>
/// FASTER never commits by itself (its wait methods only wait), and committing per waiter would serialise writers on
/// one flush each; a single committer lets every append made while a commit is in flight ride on the next one
/// (group commit). It runs on a dedicated thread so a thread pool busy with FASTER's blocking device writes cannot
/// delay it.
/// </para>
/// <para>
/// Watchdog: a flush completion can be left pending in FASTER's epoch when the last thread leaves it, and with no
/// further appends nothing drains it, so the commit and its waiters would hang (cf. microsoft/FASTER#199). While a
/// commit is in flight, every <see cref="WatchdogInterval"/> without progress the committer enters and leaves the
/// epoch through a read that has no effect (<see cref="FasterLog.ReadRecordLengthAsync"/> of an address past the
/// end), which runs the pending completion.
/// </para>
/// <para>
/// A failed commit (device error, <see cref="CommitFailureException"/>) leaves FASTER in a permanent error state. The
/// committer records it as a <see cref="JournalUnavailableException"/>, wakes every waiter to fail with it and stops.
/// </para>
/// </remarks>
internal sealed class JournalCommitter : IDisposable
{
    /// <summary>How long a commit may show no progress before the watchdog drains the epoch.</summary>
    internal static readonly TimeSpan WatchdogInterval = TimeSpan.FromMilliseconds(20);

    // An append is a memory copy of a few microseconds: this much quiet means the released writers have re-appended.
    private static readonly TimeSpan GatherQuietPeriod = TimeSpan.FromMicroseconds(50);
    private static readonly TimeSpan GatherLimit = TimeSpan.FromMilliseconds(1);

    private readonly FasterLog _log;

    /// <summary>The durations of the most recent commits.</summary>
    public CommitLatencyWindow Latency { get; } = new();
    private readonly TimeSpan _relaxedInterval;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CommitWaiters _waiters = new();
    private TaskCompletionSource _roundDone = NewRound();
    private int _dirty;
    private int _requested;
    private long _roundsStarted;
    private long _roundsCompleted;
    private volatile bool _stopRequested;
    private volatile bool _stopped;
    private volatile bool _started;
    private Exception? _failure;

    /// <summary>Prepares the committer; <see cref="Start"/> starts its thread.</summary>
    public JournalCommitter(FasterLog log, TimeSpan relaxedInterval, ILogger logger)
    {
        _log = log;
        _relaxedInterval = relaxedInterval;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "Marconi journal committer" };
    }

    /// <summary>The log's committed end (exclusive); every entry starting below it is durable.</summary>
    public long CommittedUntilAddress => Volatile.Read(ref _log.CommittedUntilAddress);

    /// <summary>True once storage has failed.</summary>
    public bool HasFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>Completes when storage fails (never faults); the store's recovery waits on it.</summary>
    public Task Failed => _failed.Task;

    /// <summary>Starts the committer thread.</summary>
    public void Start()
    {
        _started = true;
        _thread.Start();
    }

    /// <summary>Notes that something was appended (or truncated) that the next commit must cover.</summary>
    public void NotifyChanged()
    {
        // One wake-up per idle-to-dirty transition keeps appends cheap; the committer then times the relaxed commit.
        if (Volatile.Read(ref _dirty) == 0 && Interlocked.Exchange(ref _dirty, 1) == 0)
        {
            _wake.Set();
        }
    }

    /// <summary>Throws the storage failure, as a fresh <see cref="JournalUnavailableException"/>, if there was one.</summary>
    public void ThrowIfFailed()
    {
        var failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            throw Unavailable(failure);
        }
    }

    /// <summary>Records a storage failure seen outside the committer (for example by an append) and wakes the waiters.</summary>
    public JournalUnavailableException Fail(Exception cause)
    {
        if (Interlocked.CompareExchange(ref _failure, cause, null) is null)
        {
            JournalLog.StorageFailed(_logger, cause);
            CompleteRound();
            _failed.TrySetResult();
        }

        return Unavailable(Volatile.Read(ref _failure)!);
    }

    /// <summary>Completes once the log is committed at least up to <paramref name="untilAddress"/> (exclusive).</summary>
    public ValueTask WaitForCommitAsync(long untilAddress, CancellationToken cancellationToken)
        => CommittedUntilAddress >= untilAddress ? ValueTask.CompletedTask : WaitSlowAsync(untilAddress, cancellationToken);

    /// <summary>Runs a commit round that starts after this call and waits for it.</summary>
    public async Task CommitAllAsync(CancellationToken cancellationToken)
    {
        // Any round numbered above the current count starts after this point, so it covers every earlier append.
        var target = Volatile.Read(ref _roundsStarted) + 1;
        while (true)
        {
            var round = Volatile.Read(ref _roundDone);
            if (Volatile.Read(ref _roundsCompleted) >= target)
            {
                return;
            }

            ThrowIfFailed();
            ObjectDisposedException.ThrowIf(_stopped, typeof(FasterJournal));
            Request();
            await round.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the thread after a final commit of everything appended, and waits for it.</summary>
    public void Stop()
    {
        RequestStop();
        if (_started)
        {
            _thread.Join();
        }
    }

    /// <summary>Stops the thread after a final commit of everything appended, without blocking the caller.</summary>
    public Task StopAsync()
    {
        RequestStop();
        return _started ? _exited.Task : Task.CompletedTask;
    }

    /// <summary>Releases the wake-up event; call after <see cref="Stop"/>.</summary>
    public void Dispose() => _wake.Dispose();

    private ValueTask WaitSlowAsync(long untilAddress, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            return WaitCancellableAsync(untilAddress, cancellationToken);
        }

        ThrowIfFailed();
        ObjectDisposedException.ThrowIf(_stopped, typeof(FasterJournal));
        var wait = _waiters.WaitAsync(untilAddress);
        Request();

        // Parked after the final release (stop or failure): release again so this waiter is not stranded.
        if (_stopped || HasFailed)
        {
            ReleaseWaiters();
        }

        return wait;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitCancellableAsync(long untilAddress, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the round before checking, so a round that completes in between still wakes this waiter.
            var round = Volatile.Read(ref _roundDone);
            if (CommittedUntilAddress >= untilAddress)
            {
                return;
            }

            ThrowIfFailed();
            ObjectDisposedException.ThrowIf(_stopped, typeof(FasterJournal));
            Request();
            await round.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Request()
    {
        if (Volatile.Read(ref _requested) == 0 && Interlocked.Exchange(ref _requested, 1) == 0)
        {
            _wake.Set();
        }
    }

    private void RequestStop()
    {
        _stopRequested = true;
        _wake.Set();
    }

    private void Run()
    {
        try
        {
            long dirtySince = 0;
            var justCommitted = false;
            while (!_stopRequested)
            {
                if (Volatile.Read(ref _requested) == 0)
                {
                    justCommitted = false;
                    if (Volatile.Read(ref _dirty) == 0)
                    {
                        dirtySince = 0;
                        Sleep(Timeout.InfiniteTimeSpan);
                        continue;
                    }

                    // Nobody waits: let more appends gather, up to the relaxed interval after the first one.
                    var now = Stopwatch.GetTimestamp();
                    if (dirtySince == 0)
                    {
                        dirtySince = now;
                    }

                    var remaining = _relaxedInterval - Stopwatch.GetElapsedTime(dirtySince, now);
                    if (remaining > TimeSpan.Zero)
                    {
                        Sleep(remaining);
                        continue;
                    }
                }

                dirtySince = 0;
                if (justCommitted)
                {
                    GatherReleasedWriters();
                }

                if (!CommitRound())
                {
                    return;
                }

                justCommitted = true;
                continue;
            }

            // Final commit: everything appended before the stop request is covered.
            if (!HasFailed)
            {
                CommitRound();
            }
        }
        finally
        {
            _stopped = true;
            CompleteRound();
            _exited.TrySetResult();
        }
    }

    /// <summary>
    /// Lets the writers released by the round just completed append again before the next round starts. Starting it at
    /// once splits concurrent writers into two cohorts that take turns, each round carrying half of them (measured: 32
    /// of 64 writers per round). Waits while the tail keeps moving, at most <see cref="GatherLimit"/>.
    /// </summary>
    private void GatherReleasedWriters()
    {
        var started = Stopwatch.GetTimestamp();
        var tail = _log.TailAddress;
        var quietSince = started;
        while (true)
        {
            Thread.Yield();
            var now = Stopwatch.GetTimestamp();
            var current = _log.TailAddress;
            if (current != tail)
            {
                tail = current;
                quietSince = now;
            }
            else if (Stopwatch.GetElapsedTime(quietSince, now) >= GatherQuietPeriod)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started, now) >= GatherLimit)
            {
                return;
            }
        }
    }

    private void Sleep(TimeSpan timeout)
    {
        _wake.Wait(timeout);

        // Flags are set before the event, and re-read after this reset, so no wake-up is lost.
        _wake.Reset();
    }

    /// <summary>Commits everything appended so far and waits for it; false when storage failed.</summary>
    private bool CommitRound()
    {
        Interlocked.Exchange(ref _requested, 0);
        Interlocked.Exchange(ref _dirty, 0);
        var round = Interlocked.Increment(ref _roundsStarted);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var commit = _log.CommitAsync().AsTask();
            WaitWithWatchdog(commit);
            commit.GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // CommitFailureException, a device error, or FASTER refusing to commit: the log cannot commit again.
            Fail(exception);
            return false;
        }

        Volatile.Write(ref _roundsCompleted, round);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        StoreMetrics.CommitDuration.Record(seconds);
        Latency.Record(seconds);
        CompleteRound();
        return true;
    }

    /// <summary>Waits for a commit under the watchdog and logs when the watchdog had to act.</summary>
    private void WaitWithWatchdog(Task commit)
    {
        var started = Stopwatch.GetTimestamp();
        var drains = WaitDrainingEpoch(_log, commit);
        if (drains > 0)
        {
            JournalLog.EpochDrained(_logger, drains, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>
    /// Waits for a FASTER commit, draining the epoch each <see cref="WatchdogInterval"/> in which neither the flushed
    /// nor the committed address moved. Returns how many times it drained; the commit's fault is left in the task.
    /// </summary>
    private static int WaitDrainingEpoch(FasterLog log, Task commit)
    {
        var lastCommitted = Volatile.Read(ref log.CommittedUntilAddress);
        var lastFlushed = log.FlushedUntilAddress;
        var drains = 0;
        while (!HasCompleted(commit))
        {
            var committed = Volatile.Read(ref log.CommittedUntilAddress);
            var flushed = log.FlushedUntilAddress;
            if (committed != lastCommitted || flushed != lastFlushed)
            {
                lastCommitted = committed;
                lastFlushed = flushed;
                continue;
            }

            DrainEpoch(log);
            drains++;
        }

        return drains;
    }

    /// <summary>Waits up to one watchdog interval; a fault counts as completion (the caller rethrows it).</summary>
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

    /// <summary>Enters and leaves FASTER's epoch without doing anything else, which runs pending completions.</summary>
    private static void DrainEpoch(FasterLog log)
    {
        // An address past the committed end returns at once, after a Resume/Suspend of the epoch.
        log.ReadRecordLengthAsync(long.MaxValue).AsTask().Wait(WatchdogInterval);
    }

    private void CompleteRound()
    {
        ReleaseWaiters();
        var previous = Interlocked.Exchange(ref _roundDone, NewRound());
        previous.TrySetResult();
    }

    /// <summary>Resumes the parked writers the log's commit covers; once storage failed or the committer stopped, fails the rest.</summary>
    private void ReleaseWaiters()
    {
        Func<Exception>? failRest = null;
        if (Volatile.Read(ref _failure) is { } failure)
        {
            failRest = () => Unavailable(failure);
        }
        else if (_stopped)
        {
            failRest = static () => new ObjectDisposedException(typeof(FasterJournal).FullName);
        }

        _waiters.Release(CommittedUntilAddress, failRest);
    }

    private static TaskCompletionSource NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static JournalUnavailableException Unavailable(Exception cause)
        => new("The journal's storage failed; nothing more can be made durable until the journal is reopened: " + cause.Message, cause);
}
