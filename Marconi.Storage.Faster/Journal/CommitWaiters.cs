using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// The writers parked until a commit covers their entry, resumed a batch per core instead of a work item each.
/// </summary>
/// <remarks>
/// <para>
/// A group commit releases all its writers at once. Completing a task per writer queues one thread-pool work item
/// each; with 64 writers per round the pool wakes a thread per item, and between rounds those threads spin waiting for
/// work (on 2 cores, a fifth of the server's CPU per durable POST went to that spinning and its <c>sched_yield</c>).
/// Here the committer splits the released writers into one batch per core, and each batch resumes its writers one after
/// the other on one pool thread. What runs inline is the rest of a durable write: the store's and the engine's frames
/// and, in the server, writing the answer and starting the next read, all short and non-blocking.
/// </para>
/// <para>
/// Waiters and batches are pooled, so a parked write allocates nothing. A wait cannot be cancelled here; the committer
/// keeps its task-based path for the few callers that pass a cancellable token.
/// </para>
/// </remarks>
internal sealed class CommitWaiters
{
    private const int MaxPooledWaiters = 4096;

    private readonly ConcurrentQueue<Waiter> _arrived = new();
    private readonly ConcurrentQueue<Waiter> _freeWaiters = new();
    private readonly ConcurrentQueue<Batch> _freeBatches = new();
    private readonly Lock _releaseLock = new();

    // Owned by whoever holds _releaseLock: waiters whose entry the last commit did not cover yet.
    private readonly List<Waiter> _notCovered = [];
    private readonly List<Waiter> _covered = [];
    private int _freeWaiterCount;

    /// <summary>Parks a writer until <see cref="Release"/> sees the log committed up to <paramref name="untilAddress"/>.</summary>
    public ValueTask WaitAsync(long untilAddress)
    {
        var waiter = RentWaiter();
        waiter.UntilAddress = untilAddress;
        var task = waiter.Task;
        _arrived.Enqueue(waiter);
        return task;
    }

    /// <summary>
    /// Resumes every parked writer whose entry is below <paramref name="committedUntil"/>; with
    /// <paramref name="failRest"/>, fails the others with the exception it makes (storage failed or the journal closed).
    /// Thread-safe; the resumptions run on the thread pool, never on the caller.
    /// </summary>
    public void Release(long committedUntil, Func<Exception>? failRest)
    {
        lock (_releaseLock)
        {
            while (_arrived.TryDequeue(out var arrived))
            {
                _notCovered.Add(arrived);
            }

            var kept = 0;
            for (var i = 0; i < _notCovered.Count; i++)
            {
                var waiter = _notCovered[i];
                if (waiter.UntilAddress <= committedUntil)
                {
                    _covered.Add(waiter);
                }
                else if (failRest is not null)
                {
                    waiter.Error = failRest();
                    _covered.Add(waiter);
                }
                else
                {
                    _notCovered[kept++] = waiter;
                }
            }

            _notCovered.RemoveRange(kept, _notCovered.Count - kept);
            if (_covered.Count > 0)
            {
                QueueBatches();
            }
        }
    }

    private void QueueBatches()
    {
        var batchCount = Math.Min(Environment.ProcessorCount, _covered.Count);
        var perBatch = (_covered.Count + batchCount - 1) / batchCount;
        for (var start = 0; start < _covered.Count; start += perBatch)
        {
            var batch = RentBatch();
            var end = Math.Min(start + perBatch, _covered.Count);
            for (var i = start; i < end; i++)
            {
                batch.Waiters.Add(_covered[i]);
            }

            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        }

        _covered.Clear();
    }

    private Waiter RentWaiter()
    {
        if (_freeWaiters.TryDequeue(out var waiter))
        {
            Interlocked.Decrement(ref _freeWaiterCount);
            return waiter;
        }

        return new Waiter(this);
    }

    private void ReturnWaiter(Waiter waiter)
    {
        if (Interlocked.Increment(ref _freeWaiterCount) <= MaxPooledWaiters)
        {
            _freeWaiters.Enqueue(waiter);
        }
        else
        {
            Interlocked.Decrement(ref _freeWaiterCount);
        }
    }

    private Batch RentBatch() => _freeBatches.TryDequeue(out var batch) ? batch : new Batch(this);

    /// <summary>One parked writer: a reusable value-task source whose continuation runs inline when it is resumed.</summary>
    private sealed class Waiter(CommitWaiters owner) : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core;

        public long UntilAddress;
        public Exception? Error;

        public ValueTask Task => new(this, _core.Version);

        /// <summary>Completes the wait; the writer's continuation runs here, so nothing may touch this waiter after it.</summary>
        public void Resume()
        {
            var error = Error;
            Error = null;
            if (error is null)
            {
                _core.SetResult(true);
            }
            else
            {
                _core.SetException(error);
            }
        }

        public void GetResult(short token)
        {
            try
            {
                _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                owner.ReturnWaiter(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>The writers one pool thread resumes, one after the other.</summary>
    private sealed class Batch(CommitWaiters owner) : IThreadPoolWorkItem
    {
        public readonly List<Waiter> Waiters = [];

        public void Execute()
        {
            // The continuations are the awaiting async methods' state machines, which never throw out of a resumption.
            foreach (var waiter in Waiters)
            {
                waiter.Resume();
            }

            Waiters.Clear();
            owner._freeBatches.Enqueue(this);
        }
    }
}
