using System.Globalization;
using Marconi.Core;
using Marconi.Http.Server;

namespace Marconi.Server;

/// <summary>The --help text: every option, where else it can be set, and the limits the server enforces.</summary>
internal static class Usage
{
    public static string Text()
    {
        var limits = new HttpServerOptions();
        return string.Create(CultureInfo.InvariantCulture, $$"""
            Marconi server: the OpenStack Zaqar queue API over durable local storage.

            Usage: marconi-server [options]

            Options (command line > environment > config file > defaults):
              --listen HOST:PORT   Address to listen on; repeatable. HOST is an IPv4 address, [IPv6], localhost,
                                   * (every address) or a host name; PORT 0 picks a free port.
                                   Env {{SettingsLoader.ListenVariable}} (comma separated). Config "listen": ["..."].
                                   Default {{ServerSettings.DefaultListen}}.
              --data-dir PATH      Storage directory (created if missing). Env {{SettingsLoader.DataDirVariable}}.
                                   Config "dataDir". Default {{ServerSettings.DefaultDataDir}}.
              --store URI          The store, instead of the embedded FASTER store in --data-dir:
                                   redis://HOST:PORT[,option=value...] (StackExchange.Redis options such as
                                   password, user, ssl, connectTimeout; plus prefix=KEYPREFIX), also written
                                   redis://[user:password@]HOST:PORT[/?option=value&...]; or file:///ABSOLUTE/DIR.
                                   Env {{SettingsLoader.StoreVariable}}. Config "store". --print-config masks passwords.
              --config FILE        JSON config file: {"listen": ["127.0.0.1:8888"], "dataDir": "...",
                                   "limits": {"maxPageSize": 50}, "tlsCert": "cert.pem", "tlsKey": "key.pem",
                                   "signedUrlKey": "...", "auth": {...}, "logging": {...}, "metrics": {...} }
                                   (--print-config shows every key). Env {{SettingsLoader.ConfigVariable}}.
              --tls-cert FILE      PEM certificate: serve HTTPS (TLS 1.2/1.3). Needs --tls-key. Config "tlsCert".
              --tls-key FILE       PEM private key of --tls-cert. Config "tlsKey".
              --signed-url-key-file FILE
                                   The secret that signs pre-signed URLs (POST /v2/queues/{q}/share) and checks
                                   requests carrying URL-Signature, read from FILE (a final newline is dropped).
                                   Env {{SettingsLoader.SignedUrlKeyVariable}}. Config "signedUrlKey". There is no
                                   option taking the key itself: the command line is visible to every user.
                                   Unset (or empty): share answers 400 and signed requests 404, as in Zaqar.
              --metrics on|off     Serve Prometheus text at GET /metrics, no auth headers needed (default on).
                                   Env {{MetricsSettingsReader.EnabledVariable}}. Config "metrics.enabled" (true/false).
              --statsd HOST:PORT   Also push the metrics to a statsd server over UDP (DogStatsD tags).
                                   Env {{MetricsSettingsReader.StatsdVariable}}. Config "metrics.statsd".
              --statsd-interval-seconds N
                                   How often to push to statsd (1 to 3600, default {{MetricsSettings.DefaultStatsdIntervalSeconds}}).
                                   Env {{MetricsSettingsReader.StatsdIntervalVariable}}. Config "metrics.statsdIntervalSeconds".
              --log-format plain|json
                                   Log lines on stdout (and in --log-file): plain text (default) or one JSON
                                   object per line. Env {{LoggingSettingsReader.FormatVariable}}. Config "logging.format".
              --log-level LEVEL    trace, debug, information (default), warning, error, critical or none.
                                   Env {{LoggingSettingsReader.LevelVariable}}. Config "logging.level".
              --access-log on|off  One line per request: method, path (never the query), status, response
                                   bytes, duration, project, client id (default off; not filtered by the level).
                                   Env {{LoggingSettingsReader.AccessLogVariable}}. Config "logging.accessLog" (true/false).
              --log-file FILE      Also append the log lines to FILE (created when missing; its directory must
                                   exist). Rotate it with logrotate's copytruncate, or move it and send SIGHUP:
                                   the server reopens FILE. Env {{LoggingSettingsReader.FileVariable}}. Config "logging.file".
              --log-syslog HOST:PORT
                                   Also send every event to a syslog server as RFC 5424 over UDP (facility user).
                                   Env {{LoggingSettingsReader.SyslogVariable}}. Config "logging.syslog".
              --auth-strategy noauth|keystone
                                   noauth (default): X-Project-ID is trusted as sent; a warning is logged when
                                   listening on a non-loopback address. keystone: every request needs an
                                   X-Auth-Token that Keystone v3 validates; the request acts for the token's project
                                   (an X-Project-ID naming another project is a 403). Requests carrying
                                   URL-Signature are authorised by their signature instead, with either strategy.
                                   Env {{AuthSettingsReader.StrategyVariable}}. Config "auth": {"strategy": "..."}.
              --keystone-url URL   Keystone v3 endpoint, e.g. http://127.0.0.1:5000/v3.
                                   Env {{AuthSettingsReader.KeystoneUrlVariable}}. Config "auth.keystoneUrl".
              --auth-cache-seconds N
                                   How long a validated token is trusted without asking Keystone (capped by its
                                   expires_at; 0 disables; default {{AuthSettings.DefaultCacheSeconds}}). Env {{AuthSettingsReader.CacheSecondsVariable}}.
                                   Config "auth.cacheSeconds". Failed validations are never cached.
                                   Service credentials (config or env only, never the command line): "auth":
                                   {"serviceToken": "..."} (env {{AuthSettingsReader.ServiceTokenVariable}}) or "serviceUser",
                                   "servicePassword" (env {{AuthSettingsReader.ServicePasswordVariable}}), "serviceProject",
                                   "serviceDomain" (default "default"); also "cacheMaxEntries" ({{AuthSettings.DefaultCacheMaxEntries}}) and
                                   "timeoutSeconds" ({{AuthSettings.DefaultTimeoutSeconds}}; Keystone slower or unreachable: 503).
              --pooling on|off     Zaqar's pooling (default off): new queues are placed on the pools of the catalog
                                   (weighted; a queue's "_flavor" metadata picks among its flavor's pools) and every
                                   request goes to its queue's pool. Pools are file:///absolute/dir (a FASTER store
                                   there){{PoolSchemes()}}. The catalog is pools-catalog.jsonl in the data directory;
                                   queues without a pool stay in the server's own store.
                                   Env {{SettingsLoader.PoolingVariable}}. Config "pooling": true.
              --admin-mode on|off  Zaqar's admin_mode (default off): serve the admin endpoints (/v2/pools and
                                   /v2/flavors, which also need --pooling on) to admins only: under keystone a token
                                   with the admin role, under noauth a request whose X-Roles header has admin;
                                   others get 403. Off: those paths answer 404.
                                   Env {{SettingsLoader.AdminModeVariable}}. Config "adminMode": true.
              --print-config       Print the effective settings (flags over environment over config file) as a
                                   config file would hold them, secrets as "***", and exit.
              --help               Print this text and exit.

            Queue limits and defaults (config file only: "limits": {"KEY": integer, ...}; Zaqar's defaults):
            {{LimitLines()}}
              Every value is at least 1 (maxMessageDelay may be 0); each min <= default <= max,
              defaultPageSize <= maxPageSize, defaultClaimLimit <= maxMessagesPerClaimOrPop.

            Limits per connection and request:
              Max connections            {{limits.MaxConnections}} (over the cap: 503 and close)
              Request headers timeout    {{limits.RequestHeadersTimeout.TotalSeconds}} s (whole head; slower clients are cut off)
              Keep-alive idle timeout    {{limits.KeepAliveTimeout.TotalSeconds}} s
              Min request body rate      {{limits.MinRequestBodyDataRate}} bytes/s after {{limits.MinRequestBodyDataRateGracePeriod.TotalSeconds}} s
              Max request line           {{limits.MaxRequestLineSize}} bytes (431)
              Max request headers        {{limits.MaxRequestHeadersTotalSize}} bytes, {{limits.MaxRequestHeaderCount}} fields (431)
              Max request body           max(maxMessagesPostSize, maxQueueMetadataSize) + 8192 bytes
                                         ({{limits.MaxRequestBodySize}} by default), also after gzip inflation (413)

            Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM), 1 on a startup failure, 2 on bad options.
            """);
    }

    private static string PoolSchemes()
    {
        var others = StoreFactories.Create(null, ServerSettings.DefaultDataDir).Select(f => f.Scheme).Where(s => s != "file").ToList();
        return others.Count == 0 ? string.Empty : " or " + string.Join(", ", others.Select(s => s + "://..."));
    }

    private static string LimitLines() => string.Join(
        Environment.NewLine,
        LimitKey.All.Select(k => string.Create(CultureInfo.InvariantCulture, $"  {k.Name,-26} {k.Get(QueueLimits.Default)}")));
}
