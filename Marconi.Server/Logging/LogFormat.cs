namespace Marconi.Server.Logging;

/// <summary>How a log event is written: one text line, or one JSON object per line.</summary>
internal enum LogFormat
{
    /// <summary><c>TIMESTAMP LEVEL CATEGORY[EVENT] message key=value ...</c> on one line.</summary>
    Plain,

    /// <summary><c>{"timestamp", "level", "category", "eventId", "message", "state": {...}}</c> on one line.</summary>
    Json,
}
