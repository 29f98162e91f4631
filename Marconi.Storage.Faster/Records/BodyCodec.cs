using K4os.Compression.LZ4;

namespace Marconi.Storage.Faster.Records;

/// <summary>Stores message bodies LZ4-compressed when that saves at least an eighth, raw otherwise.</summary>
internal static class BodyCodec
{
    // Below this, LZ4's framing overhead and the CPU spent rarely buy anything back.
    private const int MinCompressibleSize = 128;

    /// <summary>Appends the body as stored; returns its raw and stored lengths (equal when left uncompressed).</summary>
    public static (int Raw, int Stored) Write(RecordBuffer buffer, ReadOnlySpan<byte> body)
    {
        if (body.Length >= MinCompressibleSize)
        {
            var bound = LZ4Codec.MaximumOutputSize(body.Length);
            var target = buffer.GetSpan(bound);
            var written = LZ4Codec.Encode(body, target, LZ4Level.L00_FAST);
            if (written > 0 && written <= body.Length - (body.Length >> 3))
            {
                buffer.Shrink(bound - written);
                return (body.Length, written);
            }

            buffer.Shrink(bound);
        }

        body.CopyTo(buffer.GetSpan(body.Length));
        return (body.Length, body.Length);
    }

    /// <summary>Restores a body; throws <see cref="CorruptRecordException"/> when the stored bytes do not decode to the recorded length.</summary>
    public static byte[] Read(ReadOnlySpan<byte> stored, int rawLength)
    {
        if (stored.Length == rawLength)
        {
            return stored.ToArray();
        }

        var body = new byte[rawLength];
        int decoded;
        try
        {
            decoded = LZ4Codec.Decode(stored, body);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new CorruptRecordException("A compressed message body does not decode.", exception);
        }

        if (decoded != rawLength)
        {
            throw new CorruptRecordException($"A compressed message body decoded to {decoded} bytes instead of {rawLength}.");
        }

        return body;
    }
}
