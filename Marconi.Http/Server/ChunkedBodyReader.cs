using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Marconi.Http.Server;

/// <summary>
/// Decodes a chunked body (RFC 9112 §7.1) incrementally: feed it whatever bytes have arrived, it keeps its place.
/// Chunk extensions are ignored; trailers are read, bounded and discarded.
/// </summary>
internal sealed class ChunkedBodyReader
{
    // A chunk-size line is at most 8 hex digits plus extensions; extensions carry nothing we use, so 4 KiB is plenty.
    private const int MaxChunkSizeLineLength = 4096;
    private const int MaxChunkSizeDigits = 8;

    private readonly long _maxBodySize;
    private readonly int _maxTrailerSize;
    private State _state = State.Size;
    private long _chunkRemaining;
    private long _bodySize;
    private int _trailerSize;

    public ChunkedBodyReader(long maxBodySize, int maxTrailerSize)
    {
        _maxBodySize = maxBodySize;
        _maxTrailerSize = maxTrailerSize;
    }

    private enum State
    {
        Size,
        Data,
        DataEnd,
        Trailer,
        Done,
    }

    /// <summary>Consumes what it can from <paramref name="reader"/> into <paramref name="body"/>; true once the last chunk and trailers are read.</summary>
    public bool Read(ref SequenceReader<byte> reader, IBufferWriter<byte> body)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Size:
                    if (!TryReadLine(ref reader, MaxChunkSizeLineLength, isTrailer: false, out var sizeLine))
                    {
                        return false;
                    }

                    _chunkRemaining = ParseChunkSize(sizeLine);
                    if (_chunkRemaining == 0)
                    {
                        _state = State.Trailer;
                        break;
                    }

                    _bodySize += _chunkRemaining;
                    if (_bodySize > _maxBodySize)
                    {
                        BadHttpRequestException.BodyTooLarge(_maxBodySize);
                    }

                    _state = State.Data;
                    break;

                case State.Data:
                    if (reader.End)
                    {
                        return false;
                    }

                    var take = (int)Math.Min(_chunkRemaining, reader.Remaining);
                    foreach (var segment in reader.UnreadSequence.Slice(0, take))
                    {
                        body.Write(segment.Span);
                    }

                    reader.Advance(take);
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _state = State.DataEnd;
                    }

                    break;

                case State.DataEnd:
                    if (reader.Remaining < 2)
                    {
                        return false;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        BadHttpRequestException.BadRequest("A chunk's data is not followed by CRLF.");
                    }

                    _state = State.Size;
                    break;

                case State.Trailer:
                    var budget = _maxTrailerSize - _trailerSize;
                    if (!TryReadLine(ref reader, budget, isTrailer: true, out var trailerLine))
                    {
                        return false;
                    }

                    _trailerSize += (int)trailerLine.Length + 2;
                    if (trailerLine.IsEmpty)
                    {
                        _state = State.Done;
                        return true;
                    }

                    break;

                default:
                    return true;
            }
        }
    }

    /// <summary>Reads one CRLF-terminated line (without the CRLF); throws when it cannot fit in <paramref name="maxLength"/>.</summary>
    private static bool TryReadLine(ref SequenceReader<byte> reader, int maxLength, bool isTrailer, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            if (reader.Remaining > maxLength)
            {
                LineTooLong(isTrailer);
            }

            return false;
        }

        if (line.Length + 1 > maxLength)
        {
            LineTooLong(isTrailer);
        }

        if (line.IsEmpty || !line.Slice(line.Length - 1).FirstSpan.SequenceEqual("\r"u8))
        {
            BadHttpRequestException.BadRequest("A chunked body line ends with a bare LF; HTTP requires CRLF.");
        }

        line = line.Slice(0, line.Length - 1);
        if (line.PositionOf((byte)'\r') is not null)
        {
            BadHttpRequestException.BadRequest("A chunked body line contains a bare CR.");
        }

        return true;
    }

    [DoesNotReturn]
    private static void LineTooLong(bool isTrailer)
    {
        if (isTrailer)
        {
            BadHttpRequestException.HeadersTooLarge("The chunked body's trailers are too large.");
        }

        BadHttpRequestException.BadRequest("A chunk-size line is too long.");
    }

    private static long ParseChunkSize(ReadOnlySequence<byte> line)
    {
        var span = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        long size = 0;
        var digits = 0;
        while (digits < span.Length && HttpSyntax.HexValue(span[digits]) is var value and >= 0)
        {
            if (++digits > MaxChunkSizeDigits)
            {
                BadHttpRequestException.BadRequest("A chunk size has more than 8 hex digits.");
            }

            size = (size << 4) | (uint)value;
        }

        if (digits == 0)
        {
            BadHttpRequestException.BadRequest("A chunk size is missing or not hexadecimal.");
        }

        // What may follow the size: optional whitespace, then a chunk extension (";name=value"), which we ignore.
        var rest = span[digits..];
        var i = 0;
        while (i < rest.Length && HttpSyntax.IsWhitespace(rest[i]))
        {
            i++;
        }

        if (i < rest.Length && rest[i] != (byte)';')
        {
            BadHttpRequestException.BadRequest("A chunk size is followed by an invalid character.");
        }

        return size;
    }
}
