using Marconi.Core.Storage;

namespace Marconi.Pooling;

/// <summary>Opens the store of a pool URI of one scheme (the seam a storage driver registers itself through).</summary>
public interface IQueueStoreFactory
{
    /// <summary>The URI scheme served, without the colon (<c>file</c>, <c>redis</c>).</summary>
    string Scheme { get; }

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when the URI is not one this driver can open.</summary>
    void Validate(Uri uri);

    /// <summary>Opens (or creates) the store the URI names.</summary>
    ValueTask<IQueueStore> OpenAsync(Uri uri, CancellationToken cancellationToken);
}
