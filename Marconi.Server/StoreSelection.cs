using Marconi.Core.Errors;
using Marconi.Core.Storage;
using Marconi.Pooling;
using Marconi.Storage.Faster;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>
/// Which store the server runs on: the URI of <c>--store</c> / <c>MARCONI_STORE</c> / the config file's <c>"store"</c>,
/// opened through a <see cref="StoreUriResolver"/> over every driver of this build (<c>file:///</c> FASTER,
/// <c>redis://</c>), or without one the embedded FASTER store in the data directory.
/// </summary>
internal static class StoreSelection
{
    /// <summary>The drivers of this build, one per URI scheme (<see cref="StoreFactories"/>).</summary>
    /// <param name="loggerFactory">Where the opened stores log.</param>
    /// <param name="reservedDataDir">A directory no <c>file:///</c> store may share (the data directory, for pools).</param>
    public static StoreUriResolver CreateResolver(ILoggerFactory? loggerFactory = null, string? reservedDataDir = null) =>
        new(StoreFactories.Create(loggerFactory, reservedDataDir));

    /// <summary>Normalizes and validates a store URI; a <see cref="SettingsException"/> (passwords masked) when no driver can serve it.</summary>
    public static string Check(string text)
    {
        var normalized = StoreUriText.Normalize(text.Trim());
        try
        {
            CreateResolver().Validate(normalized);
        }
        catch (ArgumentException exception)
        {
            // The resolver's messages quote the URI: print it only masked.
            var reason = exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal)
                .Replace(normalized, StoreUriText.Mask(normalized), StringComparison.Ordinal)
                .Replace(text, StoreUriText.Mask(text), StringComparison.Ordinal);
            throw new SettingsException($"--store {StoreUriText.Mask(text)}: {reason}", exception);
        }

        return normalized;
    }

    /// <summary>Opens the selected store, or prints why it cannot and returns the exit code (1).</summary>
    public static async Task<(IQueueStore? Store, int ExitCode)> OpenAsync(ServerSettings settings, ILoggerFactory loggerFactory)
    {
        if (settings.Store is null)
        {
            try
            {
                return (await FasterQueueStore.OpenAsync(settings.DataDir, loggerFactory: loggerFactory), 0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"marconi-server: cannot open the data directory '{settings.DataDir}': {ex.Message}");
                return (null, 1);
            }
        }

        var uri = new Uri(settings.Store);
        try
        {
            return (await CreateResolver(loggerFactory).OpenAsync(settings.Store, CancellationToken.None), 0);
        }
        catch (QueueException ex) when (ex.Kind == QueueErrorKind.StorageUnavailable)
        {
            var where = uri.Scheme == "redis" ? RedisStoreFactory.Address(uri) : StoreUriText.Mask(settings.Store);
            await Console.Error.WriteLineAsync($"marconi-server: cannot reach the store at {where}: {ex.Message}");
            return (null, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"marconi-server: cannot open the store {StoreUriText.Mask(settings.Store)}: {ex.Message}");
            return (null, 1);
        }
    }
}
