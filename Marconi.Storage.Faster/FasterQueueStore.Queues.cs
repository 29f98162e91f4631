using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Storage.Faster.Records;
using Marconi.Storage.Faster.State;

namespace Marconi.Storage.Faster;

public sealed partial class FasterQueueStore
{
    /// <inheritdoc />
    public async ValueTask<bool> CreateQueueAsync(string project, string queue, QueueMetadata metadata, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var (_, address) = GetOrCreateQueue(project, queue, metadata);
        if (address < 0)
        {
            return false;
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<QueueMetadata?> GetQueueMetadataAsync(string project, string queue, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        return _state.Find(project, queue)?.Metadata;
    }

    /// <inheritdoc />
    public async ValueTask<QueueMetadata> UpdateQueueMetadataAsync(string project, string queue, Func<QueueMetadata, QueueMetadata> update, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        ArgumentNullException.ThrowIfNull(update);
        var state = FindOrThrow(project, queue);
        QueueMetadata updated;
        long address;
        using (var record = new RecordBuffer())
        {
            lock (state)
            {
                if (state.Deleted)
                {
                    ThrowQueueNotFound(queue);
                }

                updated = update(state.Metadata);
                record.WriteByte((byte)RecordType.QueueMetadataSet);
                record.WriteInt64(state.Id);
                record.WriteBlob(updated.Json.Span);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return updated;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteQueueAsync(string project, string queue, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var catalog = _state.FindCatalog(project);
        var state = catalog?.Find(queue);
        if (catalog is null || state is null)
        {
            return false;
        }

        long address;
        using (var record = new RecordBuffer(16))
        {
            lock (catalog.Gate)
            {
                lock (state)
                {
                    if (state.Deleted)
                    {
                        return false;
                    }

                    record.WriteByte((byte)RecordType.QueueDeleted);
                    record.WriteInt64(state.Id);
                    address = AppendAndApply(record.WrittenSpan);
                }
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<QueuePage> ListQueuesAsync(string project, string? marker, int limit, string? namePrefix, bool detailed, bool withCount, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        var catalog = _state.FindCatalog(project);
        if (catalog is null)
        {
            return new QueuePage([], null, withCount ? 0 : null);
        }

        var (page, count) = catalog.List(marker, limit, namePrefix, withCount);
        var queues = new QueueSummary[page.Count];
        for (var i = 0; i < queues.Length; i++)
        {
            queues[i] = new QueueSummary(page[i].Name, detailed ? page[i].Metadata.Json : ReadOnlyMemory<byte>.Empty);
        }

        var next = queues.Length > 0 ? queues[^1].Name : null;
        return new QueuePage(queues, next, withCount ? count : null);
    }

    /// <inheritdoc />
    public async ValueTask PurgeQueueAsync(string project, string queue, CancellationToken cancellationToken)
    {
        using var lease = EnterWrite();
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return;
        }

        long address;
        using (var record = new RecordBuffer(16))
        {
            lock (state)
            {
                if (state.Deleted)
                {
                    return;
                }

                record.WriteByte((byte)RecordType.QueuePurged);
                record.WriteInt64(state.Id);
                address = AppendAndApply(record.WrittenSpan);
            }
        }

        await CommitAsync(address).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<QueueStats> GetQueueStatsAsync(string project, string queue, CancellationToken cancellationToken)
    {
        using var lease = await EnterReadAsync(cancellationToken).ConfigureAwait(false);
        var state = _state.Find(project, queue);
        if (state is null)
        {
            return new QueueStats(0, 0, null, null);
        }

        var nowMs = NowMs;
        long claimed = 0, free = 0;
        MessageEntry oldest = default, newest = default;
        lock (state)
        {
            var messages = state.Messages;
            for (var position = messages.Start; position < messages.End; position++)
            {
                ref var entry = ref messages[position];
                if (!entry.IsLive(nowMs))
                {
                    continue;
                }

                if (entry.IsClaimed(nowMs))
                {
                    claimed++;
                }
                else
                {
                    free++;
                }

                if (!oldest.InUse)
                {
                    oldest = entry;
                }

                newest = entry;
            }
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        return new QueueStats(claimed, free, Stamp(oldest, now), Stamp(newest, now));
    }

    private MessageStamp? Stamp(in MessageEntry entry, DateTimeOffset now)
    {
        if (!entry.InUse)
        {
            return null;
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(entry.CreatedMs);
        return new MessageStamp(FormatId(entry.Sequence), created, (long)Math.Max(0, (now - created).TotalSeconds));
    }

    /// <summary>
    /// The queue, created with <paramref name="metadata"/> when missing. The address is the creation record's, or -1
    /// when the queue already existed.
    /// </summary>
    private (QueueState Queue, long Address) GetOrCreateQueue(string project, string name, QueueMetadata metadata)
    {
        var catalog = _state.Catalog(project);
        if (catalog.Find(name) is { } existing)
        {
            return (existing, -1);
        }

        using var record = new RecordBuffer(64 + metadata.Json.Length);
        lock (catalog.Gate)
        {
            if (catalog.Find(name) is { } raced)
            {
                return (raced, -1);
            }

            var id = _state.NextQueueId();
            record.WriteByte((byte)RecordType.QueueCreated);
            record.WriteInt64(id);
            record.WriteInt64(NowMs);
            record.WriteString(project);
            record.WriteString(name);
            record.WriteBlob(metadata.Json.Span);
            var address = AppendAndApply(record.WrittenSpan);
            return (_state.FindById(id)!, address);
        }
    }

    private QueueState FindOrThrow(string project, string queue)
    {
        var state = _state.Find(project, queue);
        if (state is null)
        {
            ThrowQueueNotFound(queue);
        }

        return state;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowQueueNotFound(string queue) => ThrowHelper.NotFound($"Queue {queue} does not exist.");
}
