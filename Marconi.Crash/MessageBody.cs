using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marconi.Crash;

/// <summary>
/// Self-checking message bodies: <c>{"p":P,"n":N,"b":B,"c":C,"pad":"...","sum":"S"}</c>, where P is the producer, N
/// its sequence number, B and C the first sequence number and size of the batch it was posted in, and S the lowercase
/// hex SHA-256 of every byte before <c>,"sum"</c>. A torn, truncated or altered body fails <see cref="TryParse"/>.
/// </summary>
/// <param name="Producer">Which producer wrote it.</param>
/// <param name="Sequence">The producer's sequence number, ascending in posting order over the whole campaign.</param>
/// <param name="BatchStart">The first sequence number of its batch.</param>
/// <param name="BatchCount">How many messages its batch had.</param>
internal readonly record struct MessageBody(int Producer, long Sequence, long BatchStart, int BatchCount)
{
    private static readonly byte[] SumMarker = ",\"sum\":\""u8.ToArray();

    /// <summary>The body's bytes, with <paramref name="padLength"/> random hex characters (bodies of varied, incompressible sizes).</summary>
    public byte[] Create(int padLength, Random random)
    {
        var padBytes = new byte[(padLength + 1) / 2];
        random.NextBytes(padBytes);
        var pad = Convert.ToHexStringLower(padBytes)[..padLength];
        var prefix = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"p\":{Producer},\"n\":{Sequence},\"b\":{BatchStart},\"c\":{BatchCount},\"pad\":\"{pad}\""));
        var sum = Convert.ToHexStringLower(SHA256.HashData(prefix));
        return [.. prefix, .. SumMarker, .. Encoding.ASCII.GetBytes(sum), (byte)'"', (byte)'}'];
    }

    /// <summary>Checks the checksum and reads the fields; false (with the reason) when the body is not intact.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out MessageBody parsed, out string problem)
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
            parsed = new MessageBody(
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

    /// <summary>A short printable form of a body for problem reports.</summary>
    public static string Describe(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > 120 ? body[..120] : body);
        return body.Length > 120 ? text + $"... ({body.Length} bytes)" : text;
    }
}
