using Marconi.Core.Storage;
using Marconi.Pooling;
using Marconi.Storage.Faster;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>Opens a pool whose URI is <c>file:///absolute/dir</c> as a <see cref="FasterQueueStore"/> in that directory.</summary>
/// <param name="loggerFactory">Where the opened stores log.</param>
/// <param name="reservedDirectory">
/// The server's own data directory (its store and the catalog): a pool there, inside it or around it would open the
/// same files twice, so such URIs are refused. Null reserves nothing.
/// </param>
internal sealed class FasterStoreFactory(ILoggerFactory? loggerFactory = null, string? reservedDirectory = null) : IQueueStoreFactory
{
    private readonly string? _reserved = reservedDirectory is null ? null : Normalize(Path.GetFullPath(reservedDirectory));

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

        if (_reserved is { } reserved)
        {
            var directory = Normalize(Path.GetFullPath(uri.LocalPath));
            if (directory == reserved || directory.StartsWith(reserved + "/", StringComparison.Ordinal) || reserved.StartsWith(directory + "/", StringComparison.Ordinal)
                || directory == "/")
            {
                throw new ArgumentException($"'{uri.OriginalString}' overlaps the server's data directory '{reserved}'; give a pool a directory of its own.", nameof(uri));
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<IQueueStore> OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return await FasterQueueStore.OpenAsync(uri.LocalPath, loggerFactory: loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
