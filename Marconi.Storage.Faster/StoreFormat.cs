using System.Globalization;

namespace Marconi.Storage.Faster;

/// <summary>
/// The on-disk format marker of a data directory (<c>store.format</c>, one decimal number), checked before anything
/// else is read or written: a directory written by a newer, incompatible build is refused with a clear error instead of
/// having its unfamiliar records dropped as damage.
/// </summary>
/// <remarks>
/// Bump <see cref="Current"/> whenever a change to the log frames, records or checkpoints cannot be read by the
/// previous release. Directories from builds before the marker existed have none; they are format 1 and get the marker
/// when first opened.
/// </remarks>
internal static class StoreFormat
{
    /// <summary>The format this build writes (and the newest it reads).</summary>
    /// <remarks>
    /// 2: index checkpoints of version 3 (counters in a trailer), which builds of format 1 cannot read; they would fall
    /// back to replaying a log whose truncated start held state only the checkpoint still has.
    /// </remarks>
    public const int Current = 2;

    /// <summary>The marker's file name inside the data directory.</summary>
    public const string FileName = "store.format";

    /// <summary>
    /// Marks the directory with <see cref="Current"/> after <see cref="Check"/> found it unmarked or older (this build
    /// reads every older format, and from now on writes what only this format's readers understand).
    /// </summary>
    public static void MarkCurrent(string directory) => Write(Path.Combine(directory, FileName));

    /// <summary>
    /// Refuses a directory of a newer or unreadable format without writing anything; returns the directory's format, or
    /// null when it has no marker yet.
    /// </summary>
    /// <exception cref="InvalidDataException">The marker names a newer format, or is damaged.</exception>
    public static int? Check(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var format) || format < 1)
        {
            ThrowDamaged(path);
        }

        if (format > Current)
        {
            ThrowNewer(directory, format);
        }

        return format;
    }

    private static void Write(string path)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Current.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void ThrowDamaged(string path) =>
        throw new InvalidDataException($"The format marker '{path}' is damaged; it must hold the store's format number ({Current} for this version).");

    private static void ThrowNewer(string directory, int format) =>
        throw new InvalidDataException(
            $"The data directory '{directory}' was written in on-disk format {format} by a newer Marconi; this version reads formats up to {Current}. " +
            "Run the newer version on it, or restore the backup taken before the upgrade.");
}
