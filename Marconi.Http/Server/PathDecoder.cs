using System.Buffers;
using System.Text;
using Marconi.Http.Hosting;

namespace Marconi.Http.Server;

/// <summary>Percent-decodes an origin-form path, refusing the encodings that would let a path mean something other than it shows.</summary>
internal static class PathDecoder
{
    private const int StackLimit = 512;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Appends the decoded <paramref name="raw"/> (which starts with '/') to <paramref name="request"/>'s characters;
    /// throws a 400 for %2F, NUL, control characters, bad escapes, invalid UTF-8 and ".." segments.
    /// </summary>
    public static void DecodeInto(ReadOnlySpan<byte> raw, HttpRequest request)
    {
        byte[]? rented = null;
        Span<byte> scratch = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            ReadOnlySpan<byte> decoded = raw.IndexOf((byte)'%') >= 0 ? scratch[..Unescape(raw, scratch)] : raw;

            // Control characters (NUL above all) in a path only ever serve to confuse whatever handles it next.
            foreach (var b in decoded)
            {
                if (b < 0x20 || b == 0x7F)
                {
                    BadHttpRequestException.BadRequest("The request path contains a control character.");
                }
            }

            int written;
            try
            {
                // UTF-8 never has more characters than bytes.
                written = StrictUtf8.GetChars(decoded, request.Reserve(decoded.Length));
            }
            catch (DecoderFallbackException)
            {
                throw new BadHttpRequestException(400, "The request path is not valid UTF-8 once percent-decoded.");
            }

            var start = request.Length;
            request.Advance(written);
            RefuseDotDot(request.CharsFrom(start));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Dot-dot segments are refused rather than resolved: no Zaqar route contains one, so one is an attack or a bug.
    private static void RefuseDotDot(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            if (path[range] is "..")
            {
                BadHttpRequestException.BadRequest("The request path contains a '..' segment.");
            }
        }
    }

    private static int Unescape(ReadOnlySpan<byte> raw, Span<byte> output)
    {
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'%')
            {
                var high = i + 2 < raw.Length ? HttpSyntax.HexValue(raw[i + 1]) : -1;
                var low = high >= 0 ? HttpSyntax.HexValue(raw[i + 2]) : -1;
                if (low < 0)
                {
                    BadHttpRequestException.BadRequest("The request path contains an invalid percent-encoding.");
                }

                b = (byte)((high << 4) | low);

                // An encoded '/' would let one path segment pose as two (or hide a separator from routing).
                if (b == (byte)'/')
                {
                    BadHttpRequestException.BadRequest("The request path contains an encoded '/' (%2F).");
                }

                i += 2;
            }

            output[length++] = b;
        }

        return length;
    }
}
