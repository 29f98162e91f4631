using System.Globalization;
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
              --config FILE        JSON config file: {"listen": ["127.0.0.1:8888"], "dataDir": "...",
                                   "tlsCert": "cert.pem", "tlsKey": "key.pem"}. Env {{SettingsLoader.ConfigVariable}}.
              --tls-cert FILE      PEM certificate: serve HTTPS (TLS 1.2/1.3). Needs --tls-key. Config "tlsCert".
              --tls-key FILE       PEM private key of --tls-cert. Config "tlsKey".
              --help               Print this text and exit.

            Limits per connection and request:
              Max connections            {{limits.MaxConnections}} (over the cap: 503 and close)
              Request headers timeout    {{limits.RequestHeadersTimeout.TotalSeconds}} s (whole head; slower clients are cut off)
              Keep-alive idle timeout    {{limits.KeepAliveTimeout.TotalSeconds}} s
              Min request body rate      {{limits.MinRequestBodyDataRate}} bytes/s after {{limits.MinRequestBodyDataRateGracePeriod.TotalSeconds}} s
              Max request line           {{limits.MaxRequestLineSize}} bytes (431)
              Max request headers        {{limits.MaxRequestHeadersTotalSize}} bytes, {{limits.MaxRequestHeaderCount}} fields (431)
              Max request body           {{limits.MaxRequestBodySize}} bytes, also after gzip inflation (413)

            Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM), 1 on a startup failure, 2 on bad options.
            """);
    }
}
