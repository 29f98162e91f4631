using System.Text;

namespace Marconi.Http.Server;

/// <summary>Percent-decodes an origin-form path, refusing the encodings that would let a path mean something other than it shows.</summary>
internal static class PathDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="raw"/> (which starts with '/'); throws a 400 for %2F, NUL, control characters, bad escapes, invalid UTF-8 and ".." segments.</summary>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        var decoded = raw.IndexOf((byte)'%') < 0 ? raw.ToArray() : Unescape(raw);

        // Control characters (NUL above all) in a path only ever serve to confuse whatever handles it next.
        foreach (var b in decoded)
        {
            if (b < 0x20 || b == 0x7F)
            {
                BadHttpRequestException.BadRequest("The request path contains a control character.");
            }
        }

        string path;
        try
        {
            path = StrictUtf8.GetString(decoded);
        }
        catch (DecoderFallbackException)
        {
            throw new BadHttpRequestException(400, "The request path is not valid UTF-8 once percent-decoded.");
        }

        // Dot-dot segments are refused rather than resolved: no Zaqar route contains one, so one is an attack or a bug.
        foreach (var segment in path.Split('/'))
        {
            if (segment == "..")
            {
                BadHttpRequestException.BadRequest("The request path contains a '..' segment.");
            }
        }

        return path;
    }

    private static byte[] Unescape(ReadOnlySpan<byte> raw)
    {
        var output = new byte[raw.Length];
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

        return output.AsSpan(0, length).ToArray();
    }
}
