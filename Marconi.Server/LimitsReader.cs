using System.Text.Json;
using Marconi.Core;

namespace Marconi.Server;

/// <summary>Reads the config file's "limits" object into <see cref="QueueLimits"/> and checks that the result is coherent.</summary>
internal static class LimitsReader
{
    /// <summary>Starts from the defaults and overrides the keys present; throws <see cref="SettingsException"/> naming the first bad key.</summary>
    public static QueueLimits Read(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SettingsException($"Config file '{path}': 'limits' must be a JSON object.");
        }

        var limits = QueueLimits.Default;
        foreach (var property in element.EnumerateObject())
        {
            var key = LimitKey.All.FirstOrDefault(k => k.Name == property.Name)
                ?? throw new SettingsException(
                    $"Config file '{path}': unknown key 'limits.{property.Name}' (known: {string.Join(", ", LimitKey.All.Select(k => k.Name))}).");

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var value))
            {
                throw new SettingsException($"Config file '{path}': 'limits.{key.Name}' must be an integer, not {property.Value.GetRawText()}.");
            }

            if (value < key.Minimum)
            {
                throw new SettingsException($"Config file '{path}': 'limits.{key.Name}' must be at least {key.Minimum}, not {value}.");
            }

            limits = key.Set(limits, value);
        }

        Validate(limits, path);
        return limits;
    }

    private static void Validate(QueueLimits l, string path)
    {
        Range("MessageTtl", l.MinMessageTtl, l.MaxMessageTtl, l.DefaultMessageTtl);
        Range("ClaimTtl", l.MinClaimTtl, l.MaxClaimTtl, l.DefaultClaimTtl);
        Range("ClaimGrace", l.MinClaimGrace, l.MaxClaimGrace, l.DefaultClaimGrace);
        AtMost("defaultPageSize", l.DefaultPageSize, "maxPageSize", l.MaxPageSize);
        AtMost("defaultClaimLimit", l.DefaultClaimLimit, "maxMessagesPerClaimOrPop", l.MaxMessagesPerClaimOrPop);
        AtMost("minSubscriptionTtl", l.MinSubscriptionTtl, "defaultSubscriptionTtl", l.DefaultSubscriptionTtl);
        AtMost("defaultSubscriptionPageSize", l.DefaultSubscriptionPageSize, "maxSubscriptionsPerPage", l.MaxSubscriptionsPerPage);

        void Range(string suffix, int min, int max, int value)
        {
            AtMost("min" + suffix, min, "max" + suffix, max);
            if (value < min || value > max)
            {
                throw new SettingsException(
                    $"Config file '{path}': 'limits.default{suffix}' ({value}) must lie between 'limits.min{suffix}' ({min}) and 'limits.max{suffix}' ({max}).");
            }
        }

        void AtMost(string lowName, int low, string highName, int high)
        {
            if (low > high)
            {
                throw new SettingsException($"Config file '{path}': 'limits.{lowName}' ({low}) is greater than 'limits.{highName}' ({high}).");
            }
        }
    }
}
