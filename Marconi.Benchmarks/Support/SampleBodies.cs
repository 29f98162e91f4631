using System.Globalization;
using System.Text;

namespace Marconi.Benchmarks.Support;

/// <summary>Deterministic message bodies used by the figures command and the benchmarks.</summary>
public static class SampleBodies
{
    /// <summary>
    /// A JSON object of exactly <paramref name="size"/> bytes shaped like an application event (an order with line
    /// items and a note), so it compresses like real JSON does rather than like random bytes or a run of one letter.
    /// </summary>
    public static byte[] Json(int size = 1024, int seed = 42)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(size);
        builder.Append(CultureInfo.InvariantCulture, $"{{\"event\":\"order.created\",\"order\":{random.Next(100_000, 999_999)},\"customer\":\"c-{random.Next():x8}\",\"lines\":[");
        var first = true;
        while (builder.Length < size - 200)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            builder.Append(CultureInfo.InvariantCulture, $"{{\"sku\":\"SKU-{random.Next(0, 99_999):D5}\",\"qty\":{random.Next(1, 20)},\"price\":{random.Next(100, 99_999) / 100.0:0.00}}}");
        }

        builder.Append("],\"note\":\"");
        const string Letters = "abcdefghijklmnopqrstuvwxyz ";
        while (builder.Length < size - 2)
        {
            builder.Append(Letters[random.Next(Letters.Length)]);
        }

        builder.Append("\"}");
        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        if (bytes.Length != size)
        {
            throw new InvalidOperationException($"Sample body came out at {bytes.Length} bytes instead of {size}.");
        }

        return bytes;
    }
}
