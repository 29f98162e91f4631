using System.Text.RegularExpressions;

namespace Marconi.Tests.Durability;

/// <summary>
/// Finds the FasterLog segment files of a store directory (<c>&lt;base&gt;.0</c>, <c>&lt;base&gt;.1</c>, ...: segment
/// k holds log addresses [k &lt;&lt; SegmentSizeBits, (k + 1) &lt;&lt; SegmentSizeBits)) and damages them on purpose.
/// </summary>
internal sealed partial class LogFiles
{
    private LogFiles(string basePath, int segmentSizeBits)
    {
        BasePath = basePath;
        SegmentSizeBits = segmentSizeBits;
    }

    /// <summary>The segment files' path without the <c>.k</c> suffix.</summary>
    public string BasePath { get; }

    public int SegmentSizeBits { get; }

    public long SegmentSize => 1L << SegmentSizeBits;

    /// <summary>The segment files present, by segment number.</summary>
    public SortedDictionary<int, string> Segments
    {
        get
        {
            var segments = new SortedDictionary<int, string>();
            var directory = Path.GetDirectoryName(BasePath)!;
            var name = Path.GetFileName(BasePath);
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                var match = SegmentName().Match(Path.GetFileName(file));
                if (match.Success && match.Groups["base"].Value == name)
                {
                    segments[int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)] = file;
                }
            }

            return segments;
        }
    }

    /// <summary>
    /// Locates the segment files under <paramref name="storeDirectory"/>: the family of <c>name.N</c> files holding
    /// the most bytes (commit metadata files are small).
    /// </summary>
    public static LogFiles Find(string storeDirectory, int segmentSizeBits)
    {
        var families = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(storeDirectory, "*", SearchOption.AllDirectories))
        {
            var match = SegmentName().Match(Path.GetFileName(file));
            if (match.Success)
            {
                var basePath = Path.Combine(Path.GetDirectoryName(file)!, match.Groups["base"].Value);
                families[basePath] = families.GetValueOrDefault(basePath) + new FileInfo(file).Length;
            }
        }

        Assert.True(families.Count > 0, $"No log segment files (name.N) under {storeDirectory}: {Describe(storeDirectory)}");
        var best = families.MaxBy(pair => pair.Value).Key;
        return new LogFiles(best, segmentSizeBits);
    }

    /// <summary>The files of a directory with their sizes, for test output.</summary>
    public static string Describe(string directory) =>
        string.Join(", ", Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => $"{Path.GetRelativePath(directory, file)} ({new FileInfo(file).Length} B)"));

    /// <summary>The segment file and the offset in it of a log address.</summary>
    public (string Path, long Offset) Locate(long address) =>
        ($"{BasePath}.{address >> SegmentSizeBits}", address & (SegmentSize - 1));

    /// <summary>Inverts <paramref name="count"/> bytes at <paramref name="address"/>; the file must hold them.</summary>
    public void Flip(long address, int count)
    {
        var (path, offset) = Locate(address);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        Assert.True(offset + count <= stream.Length, $"{path} has {stream.Length} bytes; cannot flip {count} at {offset}.");
        var bytes = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        for (var i = 0; i < count; i++)
        {
            bytes[i] ^= 0xFF;
        }

        stream.Position = offset;
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Cuts the segment file holding <paramref name="address"/> at that address (it keeps what lies before).</summary>
    public void CutAt(long address)
    {
        var (path, offset) = Locate(address);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        Assert.True(offset <= stream.Length, $"{path} has {stream.Length} bytes; cannot cut at {offset}.");
        stream.SetLength(offset);
        stream.Flush(flushToDisk: true);
    }

    [GeneratedRegex(@"^(?<base>.+)\.(?<n>\d+)$")]
    private static partial Regex SegmentName();
}
