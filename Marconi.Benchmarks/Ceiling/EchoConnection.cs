using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Marconi.Benchmarks.Ceiling;

/// <summary>
/// One keep-alive connection of the echo server: every request is answered <c>200</c> with its body echoed back and a
/// Content-Length. Requests are framed by <see cref="EchoRequestParser"/>, so pipelined requests in one read and a
/// request split over many reads both work; the body is streamed back as it arrives. Responses to all the requests
/// found in one read are flushed together, as a pipelining client expects.
/// </summary>
internal sealed class EchoConnection(Socket socket)
{
    private static ReadOnlySpan<byte> BadRequest => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;

    private readonly byte[] _scratch = new byte[EchoRequestParser.MaxHeadBytes];

    /// <summary>Requests answered on this connection.</summary>
    public long Requests { get; private set; }

    /// <summary>Serves until the client closes, asks to close, sends a bad request, or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            await ServeAsync(reader, writer, stop);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the run ended: nothing to answer.
        }
        finally
        {
            await reader.CompleteAsync();
            await writer.CompleteAsync();
        }
    }

    private async Task ServeAsync(PipeReader reader, PipeWriter writer, CancellationToken stop)
    {
        // Body bytes of the current request still to echo; -1 while waiting for a head.
        long remaining = -1;
        var close = false;
        while (true)
        {
            var result = await reader.ReadAsync(stop);
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    if (remaining < 0)
                    {
                        if (!EchoRequestParser.TryParse(buffer, _scratch, out var head, out var end))
                        {
                            break;
                        }

                        buffer = buffer.Slice(end);
                        WriteHead(writer, head);
                        remaining = head.ContentLength;
                        close = head.Close;
                    }

                    var take = Math.Min(remaining, buffer.Length);
                    foreach (var segment in buffer.Slice(0, take))
                    {
                        writer.Write(segment.Span);
                    }

                    buffer = buffer.Slice(take);
                    remaining -= take;
                    if (remaining > 0)
                    {
                        break;
                    }

                    remaining = -1;
                    Requests++;
                    if (close)
                    {
                        break;
                    }
                }
            }
            catch (EchoBadRequestException)
            {
                writer.Write(BadRequest);
                close = true;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            await writer.FlushAsync(stop);
            if (close || result.IsCompleted)
            {
                return;
            }
        }
    }

    private static void WriteHead(PipeWriter writer, EchoHead head)
    {
        var span = writer.GetSpan(96);
        var length = 0;
        Append(span, ref length, "HTTP/1.1 200 OK\r\nContent-Length: "u8);
        Utf8Formatter.TryFormat(head.ContentLength, span[length..], out var digits);
        length += digits;
        Append(span, ref length, head.Close ? "\r\nConnection: close\r\n\r\n"u8 : "\r\n\r\n"u8);
        writer.Advance(length);
    }

    private static void Append(Span<byte> span, ref int length, ReadOnlySpan<byte> text)
    {
        text.CopyTo(span[length..]);
        length += text.Length;
    }
}
