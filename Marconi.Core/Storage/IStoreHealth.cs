using Marconi.Core.Model;

namespace Marconi.Core.Storage;

/// <summary>
/// A store that can report its own health (status, size on disk, free space, commit latency). Optional: an
/// <see cref="IQueueStore"/> without it is reported as reachable or not by a probe read alone.
/// </summary>
public interface IStoreHealth
{
    /// <summary>The store's health now. Must not throw for an unavailable store: report it with its status instead.</summary>
    ValueTask<StoreHealth> GetHealthAsync(CancellationToken cancellationToken);
}
