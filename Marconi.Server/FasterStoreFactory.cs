using Marconi.Core.Storage;
using Marconi.Pooling;
using Marconi.Storage.Faster;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>Opens a pool whose URI is <c>file:///absolute/dir</c> as a <see cref="FasterQueueStore"/> in that directory.</summary>
internal sealed class FasterStoreFactory(ILoggerFactory? loggerFactory = null) : IQueueStoreFactory
{
    /// <inheritdoc />
    public string Scheme => "file";

    /// <inheritdoc />
    public void Validate(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsFile || !string.IsNullOrEmpty(uri.Host) || !Path.IsPathFullyQualified(uri.LocalPath))
        {
            throw new ArgumentException($"'{uri.OriginalString}' must name a local directory as file:///absolute/path.", nameof(uri));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IQueueStore> OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return await FasterQueueStore.OpenAsync(uri.LocalPath, loggerFactory: loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
