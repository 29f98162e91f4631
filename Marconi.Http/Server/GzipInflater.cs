using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Marconi.Http.Server;

/// <summary>Inflates gzip request bodies without ever holding more than the body-size limit (a zip bomb stops at the bound).</summary>
internal static class GzipInflater
{
    public static ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> compressed, long maxSize)
    {
        var array = MemoryMarshal.TryGetArray(compressed, out var segment) ? segment : new ArraySegment<byte>(compressed.ToArray());
        using var input = new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var output = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(compressed.Length * 4L, 256), maxSize + 1));
        try
        {
            while (true)
            {
                // Ask for at most one byte past the limit: enough to know it is exceeded, never more.
                var room = (int)Math.Min(16 * 1024, maxSize + 1 - output.WrittenCount);
                var read = gzip.Read(output.GetSpan(room)[..room]);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.WrittenCount > maxSize)
                {
                    BadHttpRequestException.BodyTooLarge(maxSize);
                }
            }
        }
        catch (InvalidDataException)
        {
            BadHttpRequestException.BadRequest("The request body is not valid gzip data.");
        }

        return output.WrittenMemory;
    }
}
