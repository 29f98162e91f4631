using System.Globalization;
using System.Text.Json;

namespace Marconi.Server;

/// <summary>
/// Reads the <c>"auth"</c> object of the config file, merges the environment and command line over it (each key whole
/// from its highest source) and validates the result; every rejection names the config key it is about.
/// </summary>
internal static class AuthSettingsReader
{
    public const string StrategyVariable = "MARCONI_AUTH_STRATEGY";
    public const string KeystoneUrlVariable = "MARCONI_KEYSTONE_URL";
    public const string ServiceTokenVariable = "MARCONI_KEYSTONE_SERVICE_TOKEN";
    public const string ServicePasswordVariable = "MARCONI_KEYSTONE_SERVICE_PASSWORD";
    public const string CacheSecondsVariable = "MARCONI_AUTH_CACHE_SECONDS";

    private static readonly string[] Keys =
        ["strategy", "keystoneUrl", "serviceToken", "serviceUser", "servicePassword", "serviceProject", "serviceDomain", "cacheSeconds", "cacheMaxEntries", "timeoutSeconds"];

    /// <summary>The values of the config file's <c>"auth"</c> object, as written (validated by <see cref="Resolve"/>).</summary>
    public static Dictionary<string, JsonElement> ReadFile(JsonElement auth, string path)
    {
        if (auth.ValueKind != JsonValueKind.Object)
        {
            throw new SettingsException($"Config file '{path}': 'auth' must be an object.");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in auth.EnumerateObject())
        {
            if (Array.IndexOf(Keys, property.Name) < 0)
            {
                throw new SettingsException($"Config file '{path}' has an unknown key 'auth.{property.Name}' (known: {string.Join(", ", Keys)}).");
            }

            values[property.Name] = property.Value.Clone();
        }

        return values;
    }

    /// <summary>Merges command line (<paramref name="line"/>: strategy, keystoneUrl, cacheSeconds), environment and file.</summary>
    public static AuthSettings Resolve(IReadOnlyDictionary<string, string> line, Func<string, string?> environment, IReadOnlyDictionary<string, JsonElement>? file)
    {
        string? Text(string key, string? variable)
        {
            if (line.TryGetValue(key, out var fromLine))
            {
                return fromLine;
            }

            if (variable is not null && !string.IsNullOrWhiteSpace(environment(variable)))
            {
                return environment(variable);
            }

            if (file is null || !file.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => throw new SettingsException($"'auth.{key}' has the wrong type."),
            };
        }

        int Integer(string key, string? variable, int fallback, int minimum)
        {
            var text = Text(key, variable);
            if (text is null)
            {
                return fallback;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
            {
                throw new SettingsException($"'auth.{key}' must be an integer of at least {minimum} (got '{text}').");
            }

            return value;
        }

        var strategy = Text("strategy", StrategyVariable) ?? AuthSettings.NoAuth;
        var cacheSeconds = Integer("cacheSeconds", CacheSecondsVariable, AuthSettings.DefaultCacheSeconds, 0);
        var cacheMaxEntries = Integer("cacheMaxEntries", null, AuthSettings.DefaultCacheMaxEntries, 1);
        var timeoutSeconds = Integer("timeoutSeconds", null, AuthSettings.DefaultTimeoutSeconds, 1);
        if (strategy == AuthSettings.NoAuth)
        {
            return new AuthSettings { CacheSeconds = cacheSeconds, CacheMaxEntries = cacheMaxEntries, TimeoutSeconds = timeoutSeconds };
        }

        if (strategy != AuthSettings.Keystone)
        {
            throw new SettingsException($"'auth.strategy' must be '{AuthSettings.NoAuth}' or '{AuthSettings.Keystone}' (got '{strategy}').");
        }

        var urlText = Text("keystoneUrl", KeystoneUrlVariable)
            ?? throw new SettingsException("'auth.keystoneUrl' is required with the keystone strategy (for example http://127.0.0.1:5000/v3).");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new SettingsException($"'auth.keystoneUrl' must be an absolute http or https URL (got '{urlText}').");
        }

        var settings = new AuthSettings
        {
            Strategy = strategy,
            KeystoneUrl = url,
            ServiceToken = Text("serviceToken", ServiceTokenVariable),
            ServiceUser = Text("serviceUser", null),
            ServicePassword = Text("servicePassword", ServicePasswordVariable),
            ServiceProject = Text("serviceProject", null),
            ServiceDomain = Text("serviceDomain", null) ?? "default",
            CacheSeconds = cacheSeconds,
            CacheMaxEntries = cacheMaxEntries,
            TimeoutSeconds = timeoutSeconds,
        };

        if (settings.ServiceToken is null)
        {
            foreach (var (key, value) in new[] { ("serviceUser", settings.ServiceUser), ("servicePassword", settings.ServicePassword), ("serviceProject", settings.ServiceProject) })
            {
                if (value is null)
                {
                    throw new SettingsException($"'auth.{key}' is required with the keystone strategy unless 'auth.serviceToken' is set.");
                }
            }
        }

        return settings;
    }
}
