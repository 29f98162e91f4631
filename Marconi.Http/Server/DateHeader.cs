using System.Globalization;
using System.Text;

namespace Marconi.Http.Server;

/// <summary>The <c>Date</c> header line, formatted once per second rather than once per response (as Kestrel does).</summary>
internal static class DateHeader
{
    private static Snapshot _current = Format(DateTimeOffset.UtcNow);

    /// <summary><c>Date: ddd, dd MMM yyyy HH:mm:ss GMT\r\n</c> for the current second.</summary>
    public static ReadOnlySpan<byte> Current
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var snapshot = Volatile.Read(ref _current);
            if (now.ToUnixTimeSeconds() != snapshot.Second)
            {
                snapshot = Format(now);
                Volatile.Write(ref _current, snapshot);
            }

            return snapshot.Line;
        }
    }

    private static Snapshot Format(DateTimeOffset now) =>
        new(now.ToUnixTimeSeconds(), Encoding.ASCII.GetBytes("Date: " + now.ToString("r", CultureInfo.InvariantCulture) + "\r\n"));

    private sealed record Snapshot(long Second, byte[] Line);
}
