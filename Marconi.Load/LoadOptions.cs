using System.Globalization;
using System.Net;

namespace Marconi.Load;

/// <summary>A bad command line: the message is printed and the tool exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The tool's settings, parsed from the command line.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        marconi-load: closed-loop load on a Zaqar v2 HTTP server (Marconi or OpenStack Zaqar), loopback only.

          --url URL            server base URL (default http://127.0.0.1:8888); host must be 127.0.0.0/8, ::1 or localhost.
                               Repeatable (or a comma list) for several servers on one store: each role's workers
                               are spread over the URLs in turn (worker i on URL i mod N); set-up, stats and
                               tear-down use the first. The report adds a per-URL table
          --producers N        POST /v2/queues/{q}/messages workers (default 1)
          --consumers M        claim + delete workers (default 0)
          --observers K        GET /v2/queues/{q}/messages paging workers (default 0)
          --message-size S     bytes of each message body (default 1024)
          --batch B            messages per POST (default 1)
          --claim-limit L      ?limit= of each claim (default 5)
          --bulk-delete        consumers delete each claim's messages with one DELETE .../messages?ids=... (Zaqar
                               v2 bulk delete) instead of one DELETE per message
          --rate R             offered load: requests/s of the producers and observers together, split evenly over
                               them (each waits for its slot, catching up at most 4 missed slots; default 0: no
                               limit). Consumers are not paced: they
                               take what the producers post (empty claims back off), so no backlog builds up
          --queues Q           queues q0..q{Q-1}, prefixed with a random run id (default 1)
          --duration SECONDS   measured window (default 10)
          --warmup SECONDS     warm-up before the window, not measured (default 2)
          --max-requests N     hard bound on the run's load requests (default 5000000)
          --timeout SECONDS    per-request timeout (default 10)
          --project ID         X-Project-ID (default "load")
          --json               also print the summary as one JSON object (last line of stdout)
          --help               this text

        Exit codes: 0 the run completed (request errors are reported), 2 bad arguments, 1 the server could not be reached.
        """;

    private static readonly Uri DefaultUrl = new("http://127.0.0.1:8888/");

    private readonly List<Uri> _urls = [];

    /// <summary>The servers, in the order given (the default one when none was).</summary>
    public IReadOnlyList<Uri> Urls => _urls.Count > 0 ? _urls : [DefaultUrl];

    /// <summary>The first server: set-up, stats and tear-down go there.</summary>
    public Uri Url => Urls[0];
    public int Producers { get; private set; } = 1;
    public int Consumers { get; private set; }
    public int Observers { get; private set; }
    public int MessageSize { get; private set; } = 1024;
    public int Batch { get; private set; } = 1;
    public int ClaimLimit { get; private set; } = 5;
    public bool BulkDelete { get; private set; }
    public int Queues { get; private set; } = 1;

    /// <summary>Requests/s of the producers and observers together (0: unpaced).</summary>
    public double Rate { get; private set; }

    /// <summary>
    /// Each producer's and observer's share of <see cref="Rate"/> (0: unpaced). Consumers are never paced: a paced
    /// consumer slower than the producers would grow the backlog without bound, and an idle one already backs off.
    /// </summary>
    public double RatePerPacedWorker => Rate > 0 && Producers + Observers > 0 ? Rate / (Producers + Observers) : 0;
    public double DurationSeconds { get; private set; } = 10;
    public double WarmupSeconds { get; private set; } = 2;
    public long MaxRequests { get; private set; } = 5_000_000;
    public double TimeoutSeconds { get; private set; } = 10;
    public string Project { get; private set; } = "load";
    public bool Json { get; private set; }
    public bool Help { get; private set; }

    public int Workers => Producers + Consumers + Observers;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{name} needs a value");
                }

                return args[++i];
            }

            switch (name)
            {
                case "--help" or "-h":
                    options.Help = true;
                    break;
                case "--json":
                    options.Json = true;
                    break;
                case "--url":
                    foreach (var url in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var parsed = ParseUrl(url);
                        if (options._urls.Contains(parsed))
                        {
                            throw new UsageException($"--url {url}: given twice");
                        }

                        options._urls.Add(parsed);
                    }

                    break;
                case "--producers":
                    options.Producers = Int(name, Value(), 0, 4096);
                    break;
                case "--consumers":
                    options.Consumers = Int(name, Value(), 0, 4096);
                    break;
                case "--observers":
                    options.Observers = Int(name, Value(), 0, 4096);
                    break;
                case "--message-size":
                    options.MessageSize = Int(name, Value(), 32, 1 << 20);
                    break;
                case "--batch":
                    options.Batch = Int(name, Value(), 1, 1000);
                    break;
                case "--bulk-delete":
                    options.BulkDelete = true;
                    break;
                case "--claim-limit":
                    options.ClaimLimit = Int(name, Value(), 1, 1000);
                    break;
                case "--rate":
                    options.Rate = RequestsPerSecond(name, Value());
                    break;
                case "--queues":
                    options.Queues = Int(name, Value(), 1, 1000);
                    break;
                case "--duration":
                    options.DurationSeconds = Seconds(name, Value(), 0.1, 3600);
                    break;
                case "--warmup":
                    options.WarmupSeconds = Seconds(name, Value(), 0, 600);
                    break;
                case "--timeout":
                    options.TimeoutSeconds = Seconds(name, Value(), 0.1, 600);
                    break;
                case "--max-requests":
                    options.MaxRequests = Long(name, Value(), 1, long.MaxValue / 2);
                    break;
                case "--project":
                    options.Project = ProjectId(Value());
                    break;
                default:
                    throw new UsageException($"unknown option {name} (see --help)");
            }
        }

        if (!options.Help && options.Workers == 0)
        {
            throw new UsageException("no workers: give --producers, --consumers or --observers a value above 0");
        }

        if (options.Workers > 4096)
        {
            throw new UsageException("at most 4096 workers in all");
        }

        return options;
    }

    /// <summary>
    /// An http(s) URL whose host is loopback: an IPv4 literal in 127.0.0.0/8, ::1, or the name localhost (which the
    /// connection callback also resolves to loopback addresses only). Anything else is refused: this tool sends load.
    /// </summary>
    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url {text}: not an absolute http:// or https:// URL");
        }

        if (!IsLoopbackHost(uri.Host))
        {
            throw new UsageException(
                $"--url {text}: refusing host '{uri.Host}': only loopback targets are allowed (127.0.0.0/8, ::1, localhost)");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new UsageException($"--url {text}: give only scheme, host, port and an optional path prefix");
        }

        // The API paths are appended to the base: keep its path prefix (if any) and end it with a slash.
        var builder = new UriBuilder(uri);
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    public static bool IsLoopbackHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var address) && IsLoopback(address);
    }

    public static bool IsLoopback(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? address.GetAddressBytes()[0] == 127
            : address.Equals(IPAddress.IPv6Loopback);
    }

    private static string ProjectId(string value)
    {
        if (value.Length is 0 or > 256 || value.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new UsageException("--project: 1 to 256 printable ASCII characters");
        }

        return value;
    }

    private static int Int(string name, string value, int min, int max) => (int)Long(name, value, min, max);

    private static long Long(string name, string value, long min, long max)
    {
        var text = value.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var result) || result < min || result > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{name} {value}: an integer from {min} to {max}"));
        }

        return result;
    }

    private static double RequestsPerSecond(string name, string value)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var result) || result < 0 || result > 10_000_000)
        {
            throw new UsageException($"{name} {value}: requests per second from 0 (no limit) to 10000000");
        }

        return result;
    }

    private static double Seconds(string name, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var result) || result < min || result > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{name} {value}: seconds from {min} to {max}"));
        }

        return result;
    }
}
