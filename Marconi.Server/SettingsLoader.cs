using System.Text.Json;
using Marconi.Core;

namespace Marconi.Server;

/// <summary>
/// Merges settings from the command line, the environment and a JSON config file, in that order of precedence, over the
/// defaults. Each setting comes whole from the highest source that has it (a --listen replaces every configured address).
/// </summary>
internal static class SettingsLoader
{
    public const string ListenVariable = "MARCONI_LISTEN";
    public const string DataDirVariable = "MARCONI_DATA_DIR";
    public const string StoreVariable = "MARCONI_STORE";
    public const string ConfigVariable = "MARCONI_CONFIG";
    public const string SignedUrlKeyVariable = "MARCONI_SIGNED_URL_KEY";
    public const string AdminModeVariable = "MARCONI_ADMIN_MODE";
    public const string PoolingVariable = "MARCONI_POOLING";

    public static ServerSettings Load(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var line = ParseCommandLine(args);
        if (line.Help)
        {
            return new ServerSettings { Listen = [], DataDir = ServerSettings.DefaultDataDir, ShowHelp = true };
        }

        var configPath = line.Config ?? NonEmpty(environment(ConfigVariable));
        var file = configPath is null ? new FileValues() : LoadConfigFile(configPath);

        var envListen = NonEmpty(environment(ListenVariable))?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        IReadOnlyList<string> listen = line.Listen.Count > 0 ? line.Listen
            : envListen is { Length: > 0 } ? envListen
            : file.Listen ?? [ServerSettings.DefaultListen];

        var settings = new ServerSettings
        {
            Listen = [.. listen.Select(EndpointParser.Parse)],
            DataDir = line.DataDir ?? NonEmpty(environment(DataDirVariable)) ?? file.DataDir ?? ServerSettings.DefaultDataDir,
            Store = (line.Store ?? NonEmpty(environment(StoreVariable)) ?? file.Store) is { } store ? StoreSelection.Check(store) : null,
            TlsCert = line.TlsCert ?? file.TlsCert,
            TlsKey = line.TlsKey ?? file.TlsKey,
            SignedUrlKey = (line.SignedUrlKeyFile is null ? null : ReadKeyFile(line.SignedUrlKeyFile))
                ?? NonEmpty(environment(SignedUrlKeyVariable)) ?? file.SignedUrlKey,
            Limits = file.Limits ?? QueueLimits.Default,
            Auth = AuthSettingsReader.Resolve(line.Auth, environment, file.Auth),
            Metrics = MetricsSettingsReader.Resolve(line.Metrics, environment, file.Metrics),
            Logging = LoggingSettingsReader.Resolve(line.Logging, environment, file.Logging),
            AdminMode = ResolveSwitch("--admin-mode", line.AdminMode, AdminModeVariable, environment, file.AdminMode),
            Pooling = ResolveSwitch("--pooling", line.Pooling, PoolingVariable, environment, file.Pooling),
            PrintConfig = line.PrintConfig,
        };

        if ((settings.TlsCert is null) != (settings.TlsKey is null))
        {
            throw new SettingsException("--tls-cert and --tls-key must be given together.");
        }

        foreach (var path in new[] { settings.TlsCert, settings.TlsKey })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new SettingsException($"TLS file '{path}' does not exist.");
            }
        }

        return settings;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The key is the file's text without its final line break (editors and <c>echo</c> add one).</summary>
    private static string ReadKeyFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"Cannot read the signed-URL key file '{path}': {ex.Message}", ex);
        }

        var key = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return NonEmpty(key) ?? throw new SettingsException($"The signed-URL key file '{path}' is empty.");
    }

    private static CommandLine ParseCommandLine(IReadOnlyList<string> args)
    {
        var line = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    line.Help = true;
                    break;
                case "--print-config":
                    line.PrintConfig = true;
                    break;
                case "--listen":
                    line.Listen.Add(Value());
                    break;
                case "--data-dir":
                    line.DataDir = Value();
                    break;
                case "--config":
                    line.Config = Value();
                    break;
                case "--store":
                    line.Store = Value();
                    break;
                case "--tls-cert":
                    line.TlsCert = Value();
                    break;
                case "--tls-key":
                    line.TlsKey = Value();
                    break;
                case "--signed-url-key-file":
                    line.SignedUrlKeyFile = Value();
                    break;
                case "--auth-strategy":
                    line.Auth["strategy"] = Value();
                    break;
                case "--keystone-url":
                    line.Auth["keystoneUrl"] = Value();
                    break;
                case "--auth-cache-seconds":
                    line.Auth["cacheSeconds"] = Value();
                    break;
                case "--metrics":
                    line.Metrics["enabled"] = Value();
                    break;
                case "--statsd":
                    line.Metrics["statsd"] = Value();
                    break;
                case "--statsd-interval-seconds":
                    line.Metrics["statsdIntervalSeconds"] = Value();
                    break;
                case "--log-format":
                    line.Logging["format"] = Value();
                    break;
                case "--log-level":
                    line.Logging["level"] = Value();
                    break;
                case "--access-log":
                    line.Logging["accessLog"] = Value();
                    break;
                case "--log-file":
                    line.Logging["file"] = Value();
                    break;
                case "--log-syslog":
                    line.Logging["syslog"] = Value();
                    break;
                case "--admin-mode":
                    line.AdminMode = Value();
                    break;
                case "--pooling":
                    line.Pooling = Value();
                    break;
                default:
                    throw new SettingsException($"Unknown option '{args[i]}'. Run with --help for the list of options.");
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue.Length > 0 ? inlineValue : throw new SettingsException($"Option {arg} needs a value.");
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new SettingsException($"Option {arg} needs a value.");
                }

                return args[++i];
            }
        }

        return line;
    }

    private static FileValues LoadConfigFile(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new SettingsException($"Cannot read config file '{path}': {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SettingsException($"Config file '{path}' must hold a JSON object.");
            }

            var values = new FileValues();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "listen":
                        values.Listen = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => [property.Value.GetString()!],
                            JsonValueKind.Array => [.. property.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad(property.Name))],
                            _ => throw Bad(property.Name),
                        };
                        break;
                    case "dataDir":
                        values.DataDir = String(property);
                        break;
                    case "store":
                        values.Store = String(property);
                        break;
                    case "tlsCert":
                        values.TlsCert = String(property);
                        break;
                    case "tlsKey":
                        values.TlsKey = String(property);
                        break;
                    case "signedUrlKey":
                        values.SignedUrlKey = String(property);
                        break;
                    case "limits":
                        values.Limits = LimitsReader.Read(property.Value, path);
                        break;
                    case "auth":
                        values.Auth = AuthSettingsReader.ReadFile(property.Value, path);
                        break;
                    case "logging":
                        values.Logging = LoggingSettingsReader.ReadFile(property.Value, path);
                        break;
                    case "metrics":
                        values.Metrics = MetricsSettingsReader.ReadFile(property.Value, path);
                        break;
                    case "adminMode":
                        values.AdminMode = Boolean(property);
                        break;
                    case "pooling":
                        values.Pooling = Boolean(property);
                        break;
                    default:
                        throw new SettingsException(
                            $"Config file '{path}' has an unknown key '{property.Name}' (known: listen, dataDir, store, tlsCert, tlsKey, signedUrlKey, limits, auth, logging, metrics, adminMode, pooling).");
                }
            }

            return values;
        }

        SettingsException Bad(string name) => new($"Config file '{path}': '{name}' has the wrong type.");

        bool? Boolean(JsonProperty property) => property.Value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(property.Name),
        };

        string? String(JsonProperty property) => property.Value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => NonEmpty(property.Value.GetString()),
            _ => throw Bad(property.Name),
        };
    }

    /// <summary>An on/off setting: the flag, else the environment variable, else the config file, else off.</summary>
    private static bool ResolveSwitch(string option, string? flag, string variable, Func<string, string?> environment, bool? file)
    {
        var text = flag ?? NonEmpty(environment(variable));
        return text?.ToUpperInvariant() switch
        {
            null => file ?? false,
            "ON" or "TRUE" => true,
            "OFF" or "FALSE" => false,
            _ => throw new SettingsException($"{option} / {variable} must be 'on' or 'off' (got '{text}')."),
        };
    }

    private sealed class CommandLine
    {
        public List<string> Listen { get; } = [];

        public string? DataDir { get; set; }

        public string? Store { get; set; }

        public string? Config { get; set; }

        public string? TlsCert { get; set; }

        public string? TlsKey { get; set; }

        public string? SignedUrlKeyFile { get; set; }

        /// <summary>The auth options given, by their config key.</summary>
        public Dictionary<string, string> Auth { get; } = new(StringComparer.Ordinal);

        /// <summary>The metrics options given, by their config key.</summary>
        public Dictionary<string, string> Metrics { get; } = new(StringComparer.Ordinal);

        /// <summary>The logging options given, by their config key.</summary>
        public Dictionary<string, string> Logging { get; } = new(StringComparer.Ordinal);

        public string? AdminMode { get; set; }

        public string? Pooling { get; set; }

        public bool Help { get; set; }

        public bool PrintConfig { get; set; }
    }

    private sealed class FileValues
    {
        public IReadOnlyList<string>? Listen { get; set; }

        public string? DataDir { get; set; }

        public string? Store { get; set; }

        public string? TlsCert { get; set; }

        public string? TlsKey { get; set; }

        public string? SignedUrlKey { get; set; }

        public QueueLimits? Limits { get; set; }

        public Dictionary<string, JsonElement>? Auth { get; set; }

        public Dictionary<string, JsonElement>? Logging { get; set; }

        public Dictionary<string, JsonElement>? Metrics { get; set; }

        public bool? AdminMode { get; set; }

        public bool? Pooling { get; set; }
    }
}
