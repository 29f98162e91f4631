using System.Buffers;
using System.Globalization;
using System.Text;
using Marconi.Http.Server;

namespace Marconi.Fuzz.Targets;

/// <summary>
/// The HTTP/1.1 head parser and the chunked body decoder. Each is fed the input twice: whole in one buffer, and the
/// way a slow client delivers it (a few bytes more per read, over many small segments); a parser that keeps its place
/// between reads must reach the same result both ways. Their documented refusal is <see cref="BadHttpRequestException"/>.
/// </summary>
internal static class HttpTargets
{
    private static readonly HttpServerOptions Options = new();

    public static FuzzTarget Head { get; } = new("http-head", "HttpHeadParser (request line and header fields), then ChunkedBodyReader when chunked", RunHead);

    public static FuzzTarget Chunked { get; } = new("chunked", "ChunkedBodyReader (chunk sizes, extensions, trailers)", RunChunked);

    private static void RunHead(ReadOnlyMemory<byte> input)
    {
        var whole = ParseHead(new ReadOnlySequence<byte>(input), input.Length, out var head, out var rest);
        var pieces = ParseHead(Segments.Split(input, 5), StepFor(input.Length), out _, out _);
        Agree("http-head", whole, pieces);
        if (head is { IsChunked: true })
        {
            RunChunked(input[(int)rest..]);
        }
    }

    private static void RunChunked(ReadOnlyMemory<byte> input)
    {
        var whole = ReadChunked(new ReadOnlySequence<byte>(input), input.Length);
        var pieces = ReadChunked(Segments.Split(input, 5), StepFor(input.Length));
        Agree("chunked", whole, pieces);
    }

    // One more byte per read is the slowest client; beyond a few KiB that is quadratic, so larger inputs step faster.
    private static int StepFor(int length) => length <= 4096 ? 1 : 61;

    /// <summary>Feeds <paramref name="input"/> <paramref name="step"/> more bytes at a time; a summary of the head, or null when refused or incomplete.</summary>
    private static string? ParseHead(ReadOnlySequence<byte> input, int step, out RequestHead? head, out long consumed)
    {
        var parser = new HttpHeadParser(Options);
        consumed = 0;
        head = null;
        var visible = Math.Min(step, input.Length);
        try
        {
            while (true)
            {
                var reader = new SequenceReader<byte>(input.Slice(consumed, visible - consumed));
                head = parser.Parse(ref reader);
                consumed += reader.Consumed;
                if (head is not null)
                {
                    return Describe(head) + " rest@" + consumed.ToString(CultureInfo.InvariantCulture);
                }

                if (visible == input.Length)
                {
                    return null;
                }

                visible = Math.Min(visible + step, input.Length);
            }
        }
        catch (BadHttpRequestException)
        {
            head = null;
            return null;
        }
    }

    private static string? ReadChunked(ReadOnlySequence<byte> input, int step)
    {
        var decoder = new ChunkedBodyReader(Options.MaxRequestBodySize, Options.MaxRequestHeadersTotalSize);
        var body = new ArrayBufferWriter<byte>();
        long consumed = 0;
        var visible = Math.Min(step, input.Length);
        try
        {
            while (true)
            {
                var reader = new SequenceReader<byte>(input.Slice(consumed, visible - consumed));
                var done = decoder.Read(ref reader, body);
                consumed += reader.Consumed;
                if (done)
                {
                    return Convert.ToHexString(body.WrittenSpan) + " rest@" + consumed.ToString(CultureInfo.InvariantCulture);
                }

                if (visible == input.Length)
                {
                    return null;
                }

                visible = Math.Min(visible + step, input.Length);
            }
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }

    private static string Describe(RequestHead head)
    {
        var text = new StringBuilder()
            .Append(head.Method).Append(' ').Append(head.Path).Append('?').Append(head.Request.Query)
            .Append(" http11=").Append(head.IsHttp11)
            .Append(" length=").Append(head.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "-")
            .Append(" chunked=").Append(head.IsChunked)
            .Append(" keepalive=").Append(head.KeepAlive)
            .Append(" continue=").Append(head.ExpectContinue)
            .Append(" gzip=").Append(head.GzipBody).Append('/').Append(head.AcceptsGzip);
        for (var i = 0; i < head.Request.HeaderCount; i++)
        {
            text.Append(" [").Append(head.Request.HeaderName(i)).Append(": ").Append(head.Request.HeaderValue(i)).Append(']');
        }

        return text.ToString();
    }

    private static void Agree(string target, string? whole, string? pieces)
    {
        // Refusals may differ in kind (a long line can be refused as too long before its bad byte is seen), but an
        // accepted input must be accepted, and read the same, however it arrives.
        if (!string.Equals(whole, pieces, StringComparison.Ordinal))
        {
            throw new FuzzCrashException($"{target}: the input read whole gave <{whole ?? "refused or incomplete"}>, read in pieces <{pieces ?? "refused or incomplete"}>.");
        }
    }
}
