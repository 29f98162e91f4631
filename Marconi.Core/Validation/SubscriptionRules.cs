using System.Globalization;
using System.Text.Json;
using Marconi.Core.Errors;

namespace Marconi.Core.Validation;

/// <summary>Zaqar's rules for subscriptions: subscriber schemes, ttl bounds and the options object with its retry policy.</summary>
public static class SubscriptionRules
{
    // Zaqar's notification retry defaults (zaqar.common.consts): a policy must leave room for two linear steps.
    private const int DefaultMinimumDelay = 5;
    private const int DefaultMaximumDelay = 30;
    private const int LinearInterval = 5;

    private static readonly string[] RetryPolicyIntegerKeys =
        ["retries_with_no_delay", "minimum_delay_retries", "minimum_delay", "maximum_delay", "maximum_delay_retries"];

    private static readonly string[] BackoffFunctions = ["linear", "arithmetic", "exponential", "geometric"];

    /// <summary>Throws invalid-argument unless the subscriber is an absolute URI with an allowed scheme.</summary>
    public static void ValidateSubscriber(string? subscriber, QueueLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrEmpty(subscriber))
        {
            ThrowHelper.InvalidArgument("subscriber", "The subscriber of a subscription can not be empty.");
        }

        // The scheme is what precedes the first colon (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
        var colon = subscriber.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 && IsScheme(subscriber.AsSpan(0, colon)) ? subscriber[..colon].ToLowerInvariant() : string.Empty;
        if (!Contains(limits.SubscriberTypes, scheme))
        {
            ThrowHelper.InvalidArgument(
                "subscriber",
                "The subscriber type of subscription must be supported in the list [" + string.Join(", ", limits.SubscriberTypes.Select(static t => "'" + t + "'")) + "].");
        }

        var rest = subscriber.AsSpan(colon + 1);
        var needsHost = scheme is "http" or "https" or "trust+http" or "trust+https";
        if (needsHost ? !Uri.TryCreate(subscriber, UriKind.Absolute, out var uri) || uri.Host.Length == 0 : rest.IsWhiteSpace())
        {
            ThrowHelper.InvalidArgument("subscriber", $"The subscriber '{subscriber}' is not a valid {scheme} URI.");
        }
    }

    /// <summary>Throws invalid-argument unless now + ttl is a representable time and ttl is at least the minimum.</summary>
    public static void ValidateTtl(long ttl, long nowMs, QueueLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (ttl < limits.MinSubscriptionTtl)
        {
            ThrowHelper.InvalidArgument(
                "ttl",
                string.Create(CultureInfo.InvariantCulture, $"The TTL for a subscription must be at least {limits.MinSubscriptionTtl} seconds long."));
        }

        if (ttl > (DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() - nowMs) / 1000)
        {
            ThrowHelper.InvalidArgument("ttl", "The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.");
        }
    }

    /// <summary>
    /// Throws unless <paramref name="options"/> is one JSON object within the metadata size limit whose
    /// <c>_retry_policy</c>, when present, follows Zaqar's rules.
    /// </summary>
    public static void ValidateOptions(ReadOnlyMemory<byte> options, QueueLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (options.Length > limits.MaxQueueMetadataSize)
        {
            ThrowHelper.LimitExceeded("options", limits.MaxQueueMetadataSize, string.Create(CultureInfo.InvariantCulture, $"Subscription options are too large. Max size: {limits.MaxQueueMetadataSize}"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(options, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            ThrowHelper.InvalidArgument("options", "Options must be a dict.");
            throw;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                ThrowHelper.InvalidArgument("options", "Options must be a dict.");
            }

            if (document.RootElement.TryGetProperty("_retry_policy", out var policy) && policy.ValueKind != JsonValueKind.Null)
            {
                ValidateRetryPolicy(policy);
            }
        }
    }

    private static void ValidateRetryPolicy(JsonElement policy)
    {
        if (policy.ValueKind != JsonValueKind.Object)
        {
            ThrowHelper.InvalidArgument("_retry_policy", "retry_policy must be a dict.");
        }

        var minimum = DefaultMinimumDelay;
        var maximum = DefaultMaximumDelay;
        foreach (var key in RetryPolicyIntegerKeys)
        {
            if (!policy.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                ThrowHelper.InvalidArgument("_retry_policy", $"Retry policy: {key} must be a integer.");
                return;
            }

            if (key == "minimum_delay")
            {
                minimum = number;
            }
            else if (key == "maximum_delay")
            {
                maximum = number;
            }
        }

        if (policy.TryGetProperty("retry_backoff_function", out var function) && function.ValueKind != JsonValueKind.Null)
        {
            if (function.ValueKind != JsonValueKind.String)
            {
                ThrowHelper.InvalidArgument("_retry_policy", "retry_backoff_function must be a string.");
            }

            if (!BackoffFunctions.Contains(function.GetString()))
            {
                ThrowHelper.InvalidArgument("_retry_policy", "invalid retry_backoff_function.");
            }
        }

        if (policy.TryGetProperty("ignore_subscription_override", out var ignore) && ignore.ValueKind is not (JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False))
        {
            ThrowHelper.InvalidArgument("_retry_policy", "ignore_subscription_override must be a boolean.");
        }

        if (maximum < minimum)
        {
            ThrowHelper.InvalidArgument("_retry_policy", "minimum_delay must less than maximum_delay.");
        }

        if (maximum - minimum < 2 * LinearInterval)
        {
            ThrowHelper.InvalidArgument("_retry_policy", "invalid minimum_delay and maximum_delay.");
        }
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(IReadOnlyList<string> types, string scheme)
    {
        foreach (var type in types)
        {
            if (string.Equals(type, scheme, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
