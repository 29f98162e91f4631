using System.Globalization;

namespace Marconi.Crash;

/// <summary>A bad command line: the message is printed and the tool exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The campaign's settings, parsed from the command line.</summary>
internal sealed class CrashOptions
{
    public const string Usage = """
        marconi-crash: the crash campaign. Starts the server binary on a fresh data directory, runs producers and
        consumers over the Zaqar v2 HTTP API on loopback, kills the server with SIGKILL at random moments, restarts it on
        the same data and checks every acknowledged change. Prints one summary line; exit 0 only when nothing was lost,
        duplicated, corrupted, reordered or resurrected, no two live claims shared a message and stats matched.

          --rounds N          kill/restart/verify rounds (default 20)
          --seed N            random seed (default: random; printed, so a run can be repeated)
          --producers N       producer workers, batches of 1-10 messages (default 4)
          --consumers N       consumer workers: claim, delete by claim, some plain deletes (default 3)
          --queues N          queues the workers spread over (default 2)
          --max-backlog N     producers hold back while more messages than this are live (default 3000)
          --min-run-ms MS     shortest load phase before a kill (default 300)
          --max-run-ms MS     longest load phase before a kill (default 2500)
          --server PATH       the server dll (default: Marconi.Server/bin/<configuration>/net10.0/marconi-server.dll of this repo)
          --port N            loopback port of the server (default 0: one the system picks at every start)
          --data-dir PATH     the server's data directory, new or empty (default: a fresh temp directory)
          --keep              keep the data directory (a temp one is deleted unless problems were found)
          --max-seconds S     bound on the whole run: no round starts after it (default 600)
          --help              this text

        Exit codes: 0 no problem found, 1 problems found (details on stderr) or the server failed, 2 bad arguments.
        """;

    public int Rounds { get; set; } = 20;
    public int Seed { get; set; } = Random.Shared.Next();
    public int Producers { get; set; } = 4;
    public int Consumers { get; set; } = 3;
    public int Queues { get; set; } = 2;
    public int MaxBacklog { get; set; } = 3000;
    public int MinRunMs { get; set; } = 300;
    public int MaxRunMs { get; set; } = 2500;
    public string? Server { get; set; }
    public int Port { get; set; }
    public string? DataDir { get; set; }
    public bool Keep { get; set; }
    public double MaxSeconds { get; set; } = 600;
    public bool Help { get; private set; }

    public static CrashOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CrashOptions();
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
                case "--keep":
                    options.Keep = true;
                    break;
                case "--rounds":
                    options.Rounds = Int(name, Value(), 1, 10_000);
                    break;
                case "--seed":
                    options.Seed = Int(name, Value(), 0, int.MaxValue);
                    break;
                case "--producers":
                    options.Producers = Int(name, Value(), 1, 256);
                    break;
                case "--consumers":
                    options.Consumers = Int(name, Value(), 0, 256);
                    break;
                case "--queues":
                    options.Queues = Int(name, Value(), 1, 64);
                    break;
                case "--max-backlog":
                    options.MaxBacklog = Int(name, Value(), 1, 10_000_000);
                    break;
                case "--min-run-ms":
                    options.MinRunMs = Int(name, Value(), 0, 600_000);
                    break;
                case "--max-run-ms":
                    options.MaxRunMs = Int(name, Value(), 1, 600_000);
                    break;
                case "--server":
                    options.Server = Value();
                    break;
                case "--port":
                    options.Port = Int(name, Value(), 0, 65_535);
                    break;
                case "--data-dir":
                    options.DataDir = Value();
                    break;
                case "--max-seconds":
                    // Messages live a day (Campaign.MessageTtlSeconds): a run must end well before any could expire.
                    options.MaxSeconds = Seconds(name, Value(), 1, 43_200);
                    break;
                default:
                    throw new UsageException($"unknown option {name} (see --help)");
            }
        }

        if (options.MinRunMs > options.MaxRunMs)
        {
            throw new UsageException("--min-run-ms is above --max-run-ms");
        }

        return options;
    }

    private static int Int(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var result) || result < min || result > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{name} {value}: an integer from {min} to {max}"));
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
