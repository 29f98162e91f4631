using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marconi.Tests.Durability;

/// <summary>
/// Self-checking message bodies: <c>{"r":R,"p":P,"n":N,"b":B,"c":C,"pad":"...","sum":"S"}</c>, where S is the
/// lowercase hex SHA-256 of every byte before <c>,"sum"</c>. Any torn, truncated or flipped body fails
/// <see cref="TryParse"/>. The crash child (Marconi.Tests.CrashChild) writes exactly this format.
/// </summary>
/// <param name="Round">Which child run (or test phase) wrote it.</param>
/// <param name="Producer">Which producer wrote it.</param>
/// <param name="N">The producer's sequence number, ascending in posting order.</param>
/// <param name="BatchStart">The first n of the batch it was posted in.</param>
/// <param name="BatchCount">How many messages that batch had.</param>
internal readonly record struct CheckedBody(int Round, int Producer, long N, long BatchStart, int BatchCount)
{
    private static readonly byte[] SumMarker = ",\"sum\":\""u8.ToArray();

    /// <summary>Builds a body; <paramref name="padLength"/> random hex characters make it that much longer (and incompressible).</summary>
    public static byte[] Create(int round, int producer, long n, long batchStart, int batchCount, int padLength, Random random)
    {
        var padBytes = new byte[(padLength + 1) / 2];
        random.NextBytes(padBytes);
        var pad = Convert.ToHexStringLower(padBytes)[..padLength];
        var prefix = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"r\":{round},\"p\":{producer},\"n\":{n},\"b\":{batchStart},\"c\":{batchCount},\"pad\":\"{pad}\""));
        var sum = Convert.ToHexStringLower(SHA256.HashData(prefix));
        return [.. prefix, .. Encoding.UTF8.GetBytes($",\"sum\":\"{sum}\"}}")];
    }

    /// <summary>Checks the checksum and reads the fields; false (with the reason) when the body is not intact.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CheckedBody parsed, out string problem)
    {
        parsed = default;
        var at = body.LastIndexOf(SumMarker);
        if (at < 0)
        {
            problem = "no checksum field";
            return false;
        }

        var rest = body[(at + SumMarker.Length)..];
        if (rest.Length != 64 + 2 || rest[64] != (byte)'"' || rest[65] != (byte)'}')
        {
            problem = "malformed checksum field";
            return false;
        }

        var expected = Convert.ToHexStringLower(SHA256.HashData(body[..at]));
        if (!rest[..64].SequenceEqual(Encoding.ASCII.GetBytes(expected)))
        {
            problem = "checksum mismatch";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            parsed = new CheckedBody(
                root.GetProperty("r").GetInt32(),
                root.GetProperty("p").GetInt32(),
                root.GetProperty("n").GetInt64(),
                root.GetProperty("b").GetInt64(),
                root.GetProperty("c").GetInt32());
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problem = $"checksum matches but the JSON does not parse: {exception.Message}";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>A short printable form of a body for failure messages.</summary>
    public static string Describe(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > 160 ? body[..160] : body);
        return body.Length > 160 ? text + $"... ({body.Length} bytes)" : text;
    }
}
