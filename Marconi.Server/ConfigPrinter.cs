using System.Text;
using System.Text.Json;
using Marconi.Server.Logging;

namespace Marconi.Server;

/// <summary>
/// <c>--print-config</c>: the effective settings after flags, environment and config file are merged, as a config file
/// would hold them, so an operator can see what the server would run with (and copy it into a file). Secrets are
/// printed as <see cref="Masked"/> when set, never in clear.
/// </summary>
internal static class ConfigPrinter
{
    public const string Masked = "***";

    public static string Render(ServerSettings settings)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("listen");
            foreach (var endpoint in settings.Listen)
            {
                json.WriteStringValue(endpoint.ToString());
            }

            json.WriteEndArray();
            json.WriteString("dataDir", settings.DataDir);
            WriteOptional(json, "store", settings.Store is null ? null : StoreUriText.Mask(settings.Store));
            WriteOptional(json, "tlsCert", settings.TlsCert);
            WriteOptional(json, "tlsKey", settings.TlsKey);
            WriteSecret(json, "signedUrlKey", settings.SignedUrlKey);

            json.WriteStartObject("limits");
            foreach (var key in LimitKey.All)
            {
                json.WriteNumber(key.Name, key.Get(settings.Limits));
            }

            json.WriteEndObject();

            var auth = settings.Auth;
            json.WriteStartObject("auth");
            json.WriteString("strategy", auth.Strategy);
            WriteOptional(json, "keystoneUrl", auth.KeystoneUrl?.ToString());
            WriteSecret(json, "serviceToken", auth.ServiceToken);
            WriteOptional(json, "serviceUser", auth.ServiceUser);
            WriteSecret(json, "servicePassword", auth.ServicePassword);
            WriteOptional(json, "serviceProject", auth.ServiceProject);
            json.WriteString("serviceDomain", auth.ServiceDomain);
            json.WriteNumber("cacheSeconds", auth.CacheSeconds);
            json.WriteNumber("cacheMaxEntries", auth.CacheMaxEntries);
            json.WriteNumber("timeoutSeconds", auth.TimeoutSeconds);
            json.WriteEndObject();
            json.WriteBoolean("adminMode", settings.AdminMode);
            json.WriteBoolean("pooling", settings.Pooling);

            var logging = settings.Logging;
            json.WriteStartObject("logging");
            json.WriteString("format", logging.Format == LogFormat.Json ? "json" : "plain");
            json.WriteString("level", LogLevels.Name(logging.Level));
            json.WriteBoolean("accessLog", logging.AccessLog);
            WriteOptional(json, "file", logging.File);
            WriteOptional(json, "syslog", logging.Syslog?.ToString());
            json.WriteEndObject();

            var metrics = settings.Metrics;
            json.WriteStartObject("metrics");
            json.WriteBoolean("enabled", metrics.Enabled);
            WriteOptional(json, "statsd", metrics.Statsd?.ToString());
            json.WriteNumber("statsdIntervalSeconds", metrics.StatsdIntervalSeconds);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteSecret(Utf8JsonWriter json, string name, string? value) =>
        WriteOptional(json, name, value is null ? null : Masked);
}
