using Microsoft.Extensions.Logging;

namespace Marconi.Server.Logging;

/// <summary>
/// One log event, copied out of the caller's state when it was logged (the state object may be reused or changed
/// afterwards), so the writer can format it later on its own thread.
/// </summary>
/// <param name="Timestamp">When it was logged.</param>
/// <param name="Level">Its level.</param>
/// <param name="Category">The logger's category (usually the type that logged).</param>
/// <param name="EventId">The event's id (0 when none).</param>
/// <param name="EventName">The event's name, or null.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="State">The structured fields (name and value: string, number or boolean), without the template.</param>
/// <param name="Exception">The exception's text, or null.</param>
internal sealed record LogEntry(
    DateTimeOffset Timestamp,
    LogLevel Level,
    string Category,
    int EventId,
    string? EventName,
    string Message,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    string? Exception);
