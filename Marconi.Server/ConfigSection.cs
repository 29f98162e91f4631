using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Marconi.Server;

/// <summary>
/// One object of the config file (<c>"logging"</c>, <c>"metrics"</c>) with the command line and environment over it:
/// each key comes whole from its highest source (command line, environment, file), and every rejection names the key
/// as <c>'section.key'</c>.
/// </summary>
internal sealed class ConfigSection
{
    private readonly string _name;
    private readonly IReadOnlyDictionary<string, string> _line;
    private readonly Func<string, string?> _environment;
    private readonly IReadOnlyDictionary<string, JsonElement>? _file;

    public ConfigSection(string name, IReadOnlyDictionary<string, string> line, Func<string, string?> environment, IReadOnlyDictionary<string, JsonElement>? file)
    {
        _name = name;
        _line = line;
        _environment = environment;
        _file = file;
    }

    /// <summary>The values of the config file's object, as written; unknown keys are rejected with the known ones.</summary>
    public static Dictionary<string, JsonElement> ReadFile(JsonElement section, string name, string[] keys, string path)
    {
        if (section.ValueKind != JsonValueKind.Object)
        {
            throw new SettingsException($"Config file '{path}': '{name}' must be an object.");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in section.EnumerateObject())
        {
            if (Array.IndexOf(keys, property.Name) < 0)
            {
                throw new SettingsException($"Config file '{path}' has an unknown key '{name}.{property.Name}' (known: {string.Join(", ", keys)}).");
            }

            values[property.Name] = property.Value.Clone();
        }

        return values;
    }

    /// <summary>The key's text from the highest source, or null when no source sets it (JSON null and "" mean unset).</summary>
    public string? Text(string key, string? variable)
    {
        if (_line.TryGetValue(key, out var fromLine))
        {
            return fromLine;
        }

        if (variable is not null && _environment(variable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        if (_file is null || !_file.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw new SettingsException($"'{_name}.{key}' has the wrong type ({value.ValueKind})."),
        };
    }

    /// <summary>true/false, on/off, yes/no, 1/0 (any case).</summary>
    public bool Boolean(string key, string? variable, bool fallback)
    {
        var text = Text(key, variable);
        return text?.ToUpperInvariant() switch
        {
            null => fallback,
            "TRUE" or "ON" or "YES" or "1" => true,
            "FALSE" or "OFF" or "NO" or "0" => false,
            _ => throw new SettingsException($"'{_name}.{key}' must be true or false (on/off) (got '{text}')."),
        };
    }

    public int Integer(string key, string? variable, int fallback, int minimum, int maximum)
    {
        var text = Text(key, variable);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            throw new SettingsException($"'{_name}.{key}' must be an integer from {minimum} to {maximum} (got '{text}').");
        }

        return value;
    }

    /// <summary>A HOST:PORT endpoint, or null when unset.</summary>
    public IPEndPoint? Endpoint(string key, string? variable)
    {
        var text = Text(key, variable);
        if (text is null)
        {
            return null;
        }

        IPEndPoint endpoint;
        try
        {
            endpoint = EndpointParser.Parse(text);
        }
        catch (SettingsException ex)
        {
            throw new SettingsException($"'{_name}.{key}' must be HOST:PORT: {ex.Message}", ex);
        }

        return endpoint.Port != 0 ? endpoint : throw Error(key, $"needs a port from 1 to 65535 (got '{text}').");
    }

    /// <summary>An error about a key of this section.</summary>
    public SettingsException Error(string key, string problem) => new($"'{_name}.{key}' {problem}");
}
