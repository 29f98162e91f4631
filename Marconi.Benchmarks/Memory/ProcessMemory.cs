using System.Globalization;

namespace Marconi.Benchmarks.Memory;

/// <summary>Resident memory of a process from <c>/proc/PID/status</c> (Linux only).</summary>
/// <param name="RssBytes">VmRSS: resident now.</param>
/// <param name="PeakRssBytes">VmHWM: the highest resident size so far.</param>
internal readonly record struct ProcessMemory(long RssBytes, long PeakRssBytes)
{
    public double RssMb => RssBytes / 1_000_000.0;

    public double PeakRssMb => PeakRssBytes / 1_000_000.0;

    public static ProcessMemory Read(int pid)
    {
        long rss = -1, peak = -1;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line);
            }
        }

        if (rss < 0 || peak < 0)
        {
            throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS or VmHWM line.");
        }

        return new ProcessMemory(rss, peak);
    }

    // "VmRSS:	  123456 kB"
    private static long Kib(string line)
    {
        var value = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        var space = value.IndexOf(' ');
        return long.Parse(space < 0 ? value : value[..space], NumberStyles.Integer, CultureInfo.InvariantCulture) * 1024;
    }
}
