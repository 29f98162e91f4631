using Microsoft.Extensions.Logging;

namespace Marconi.Http.Auth;

internal static partial class KeystoneLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Keystone could not validate a token: {Reason}")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Obtained a Keystone service token for user {User}, valid until {ExpiresAt}")]
    public static partial void ServiceToken(ILogger logger, string user, DateTimeOffset expiresAt);
}
