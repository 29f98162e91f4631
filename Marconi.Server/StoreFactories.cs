using Marconi.Pooling;
using Microsoft.Extensions.Logging;

namespace Marconi.Server;

/// <summary>The storage drivers a pool URI can name: one factory per scheme. A new driver is one more line here.</summary>
internal static class StoreFactories
{
    /// <param name="loggerFactory">Where the opened stores log.</param>
    /// <param name="reservedDataDir">The server's own data directory, which no pool may share (null: none reserved).</param>
    public static IReadOnlyList<IQueueStoreFactory> Create(ILoggerFactory? loggerFactory, string? reservedDataDir) =>
    [
        new FasterStoreFactory(loggerFactory, reservedDataDir),
        new RedisStoreFactory(),
    ];
}
