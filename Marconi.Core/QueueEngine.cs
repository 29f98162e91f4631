using Marconi.Core.Errors;
using Marconi.Core.Model;
using Marconi.Core.Storage;
using Marconi.Core.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Core;

/// <summary>
/// The queue engine: the one entry point an application uses. It enforces the Zaqar v2 rules (names, limits, defaults,
/// reserved metadata, claim semantics) and delegates persistence and atomicity to an <see cref="IQueueStore"/>.
/// </summary>
/// <remarks>
/// Thread-safe; share one instance. Every call is scoped by a project (tenant) id and never sees another project's
/// resources. Failures a caller must handle are <see cref="QueueException"/>s with a <see cref="QueueErrorKind"/>.
/// The engine does not own the store: dispose the store when done.
/// </remarks>
public sealed partial class QueueEngine
{
    private readonly IQueueStore _store;
    private readonly ILogger _logger;

    /// <summary>Creates an engine on a store.</summary>
    /// <param name="store">Where queues live (for example the FASTER store).</param>
    /// <param name="limits">Bounds to enforce; null takes Zaqar's defaults.</param>
    /// <param name="logger">Where to log; null logs nothing.</param>
    public QueueEngine(IQueueStore store, QueueLimits? limits = null, ILogger<QueueEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Limits = limits ?? QueueLimits.Default;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The bounds this engine enforces.</summary>
    public QueueLimits Limits { get; }

    /// <summary>The store's clock.</summary>
    public TimeProvider TimeProvider => _store.TimeProvider;

    // ---- Queues ------------------------------------------------------------------------------------------------

    /// <summary>Creates a queue; false when it already existed (its metadata is then unchanged).</summary>
    /// <param name="project">The project (tenant) id.</param>
    /// <param name="queue">The queue name.</param>
    /// <param name="metadata">A JSON object, or empty for <c>{}</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async ValueTask<bool> CreateQueueAsync(string project, string queue, ReadOnlyMemory<byte> metadata = default, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        var parsed = metadata.IsEmpty ? QueueMetadata.Empty : MetadataDocument.Parse(metadata, Limits);
        var created = await _store.CreateQueueAsync(project, queue, parsed, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogQueueCreated(project, queue);
        }

        return created;
    }

    /// <summary>True when the queue exists.</summary>
    public async ValueTask<bool> QueueExistsAsync(string project, string queue, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        return await _store.GetQueueMetadataAsync(project, queue, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// The queue's metadata as a client sees it: its keys plus the reserved keys with their effective values. A queue
    /// that does not exist answers with the defaults, as Zaqar does.
    /// </summary>
    public async ValueTask<byte[]> GetQueueMetadataAsync(string project, string queue, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        var metadata = await _store.GetQueueMetadataAsync(project, queue, cancellationToken).ConfigureAwait(false);
        return MetadataDocument.RenderEffective(metadata, Limits);
    }

    /// <summary>Replaces all of an existing queue's metadata.</summary>
    public async ValueTask ReplaceQueueMetadataAsync(string project, string queue, ReadOnlyMemory<byte> metadata, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        var parsed = MetadataDocument.Parse(metadata, Limits);
        await _store.UpdateQueueMetadataAsync(project, queue, _ => parsed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies add/replace/remove operations to an existing queue's metadata atomically; returns the effective metadata.</summary>
    public async ValueTask<byte[]> PatchQueueMetadataAsync(string project, string queue, IReadOnlyList<MetadataPatchOperation> operations, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            ThrowHelper.InvalidArgument("patch", "A metadata patch needs at least one operation.");
        }

        var updated = await _store.UpdateQueueMetadataAsync(project, queue, current => MetadataDocument.Patch(current, operations, Limits), cancellationToken).ConfigureAwait(false);
        return MetadataDocument.RenderEffective(updated, Limits);
    }

    /// <summary>Deletes a queue with its messages and claims; false when it did not exist.</summary>
    public async ValueTask<bool> DeleteQueueAsync(string project, string queue, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        var deleted = await _store.DeleteQueueAsync(project, queue, cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            LogQueueDeleted(project, queue);
        }

        return deleted;
    }

    /// <summary>Lists the project's queues by name.</summary>
    public ValueTask<QueuePage> ListQueuesAsync(string project, QueueListOptions? options = null, CancellationToken cancellationToken = default)
    {
        Names.ValidateProject(project, Limits);
        options ??= new QueueListOptions();
        var limit = ResolvePageSize(options.Limit);
        if (options.Marker is { } marker && !Names.IsValidQueueName(marker, Limits.MaxQueueNameLength))
        {
            ThrowHelper.InvalidArgument("marker", "The marker must be a queue name from a previous page.");
        }

        if (options.NamePrefix is { Length: > 0 } prefix && !Names.IsValidQueueName(prefix, Limits.MaxQueueNameLength))
        {
            ThrowHelper.InvalidArgument("name", "The name filter may only contain characters allowed in queue names.");
        }

        return _store.ListQueuesAsync(project, options.Marker, limit, options.NamePrefix is { Length: > 0 } ? options.NamePrefix : null, options.Detailed, options.WithCount, cancellationToken);
    }

    /// <summary>Removes all messages and claims of a queue, keeping the queue and its metadata.</summary>
    public ValueTask PurgeQueueAsync(string project, string queue, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        return _store.PurgeQueueAsync(project, queue, cancellationToken);
    }

    /// <summary>Counts the queue's messages (zeros when it does not exist).</summary>
    public ValueTask<QueueStats> GetQueueStatsAsync(string project, string queue, CancellationToken cancellationToken = default)
    {
        ValidateQueue(project, queue);
        return _store.GetQueueStatsAsync(project, queue, cancellationToken);
    }

    private void ValidateQueue(string project, string queue)
    {
        Names.ValidateProject(project, Limits);
        Names.ValidateQueueName(queue, Limits);
    }

    private int ResolvePageSize(int? limit)
    {
        var value = limit ?? Limits.DefaultPageSize;
        if (value < 1 || value > Limits.MaxPageSize)
        {
            ThrowHelper.OutOfRange("limit", value, 1, Limits.MaxPageSize);
        }

        return value;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Queue {Project}/{Queue} created")]
    private partial void LogQueueCreated(string project, string queue);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Queue {Project}/{Queue} deleted")]
    private partial void LogQueueDeleted(string project, string queue);
}
