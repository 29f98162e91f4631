namespace Marconi.Storage.Faster;

/// <summary>
/// Lets the store swap its journal and index while no operation uses them. Every operation holds a lease for its whole
/// run; <see cref="CloseAsync"/> stops new leases and waits for the held ones to end, <see cref="Open"/> lets them in
/// again. While closed, readers wait for the gate to open and writers are refused (a write during a rebuild after a
/// storage fault could not be made durable anyway). When the rebuild could not reopen the journal at all, the gate
/// stays closed and marked down, and readers are refused too.
/// </summary>
/// <remarks>
/// The lease is a counter, so the open gate costs two interlocked operations and no allocation. The counter and the
/// closed flag are each written with a full fence and then the other is read (the pattern FasterJournal uses for
/// closing), so an operation either sees the gate closed or is counted before the closer checks the count.
/// </remarks>
internal sealed class StoreGate
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(1);

    private int _active;
    private TaskCompletionSource? _closed;
    private volatile bool _down;

    /// <summary>What a refused operation is told.</summary>
    public enum Refusal
    {
        /// <summary>Admitted.</summary>
        None,

        /// <summary>A rebuild is in progress.</summary>
        Rebuilding,

        /// <summary>The last rebuild could not reopen the journal.</summary>
        Down,
    }

    /// <summary>True while closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) is not null;

    /// <summary>Admits an operation unless the gate is closed.</summary>
    public Refusal TryEnter(out Lease lease)
    {
        Interlocked.Increment(ref _active);
        if (Volatile.Read(ref _closed) is null)
        {
            lease = new Lease(this);
            return Refusal.None;
        }

        Exit();
        lease = default;
        return _down ? Refusal.Down : Refusal.Rebuilding;
    }

    /// <summary>Admits a reader, waiting while a rebuild is in progress; refuses only when the gate is down.</summary>
    public ValueTask<(Lease Lease, Refusal Refusal)> EnterReaderAsync(CancellationToken cancellationToken)
    {
        var refusal = TryEnter(out var lease);
        return refusal == Refusal.Rebuilding
            ? WaitAndEnterAsync(cancellationToken)
            : ValueTask.FromResult((lease, refusal));
    }

    /// <summary>Stops admitting operations at once, without waiting for the admitted ones (which may be the caller).</summary>
    public void Shut() => Interlocked.CompareExchange(ref _closed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Stops admitting operations (readers wait, even if the gate was down) and waits until every admitted one has ended.</summary>
    public async Task CloseAsync()
    {
        _down = false;
        Shut();
        while (Volatile.Read(ref _active) != 0)
        {
            // Operations on a failed journal end quickly: commit waits fail at once and reads finish.
            await Task.Delay(DrainPoll).ConfigureAwait(false);
        }
    }

    /// <summary>Admits operations again and wakes the waiting readers.</summary>
    public void Open()
    {
        _down = false;
        Interlocked.Exchange(ref _closed, null)?.TrySetResult();
    }

    /// <summary>Leaves the gate closed after a failed rebuild: readers are refused instead of waiting.</summary>
    public void MarkDown()
    {
        _down = true;
        var closed = Volatile.Read(ref _closed);
        if (closed is not null)
        {
            // Wake the waiting readers; they find the gate down and are refused.
            closed.TrySetResult();
            Interlocked.CompareExchange(ref _closed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), closed);
        }
    }

    private void Exit() => Interlocked.Decrement(ref _active);

    private async ValueTask<(Lease Lease, Refusal Refusal)> WaitAndEnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var closed = Volatile.Read(ref _closed);
            if (closed is not null)
            {
                if (_down)
                {
                    return (default, Refusal.Down);
                }

                await closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var refusal = TryEnter(out var lease);
            if (refusal != Refusal.Rebuilding)
            {
                return (lease, refusal);
            }
        }
    }

    /// <summary>One admitted operation; dispose it when the operation ends.</summary>
    public readonly struct Lease(StoreGate gate) : IDisposable
    {
        /// <summary>Ends the operation.</summary>
        public void Dispose() => gate?.Exit();
    }
}
