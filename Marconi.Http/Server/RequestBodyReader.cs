using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Marconi.Http.Server;

/// <summary>Reads a whole request body (Content-Length or chunked) from the connection, enforcing the size limit and the minimum data rate.</summary>
internal static class RequestBodyReader
{
    /// <summary>
    /// Returns the body as sent (still gzip-encoded if it was). Throws <see cref="BadHttpRequestException"/> for bad framing or
    /// an oversize body, <see cref="TimeoutException"/> when the client sends slower than the minimum rate.
    /// </summary>
    /// <param name="reader">The connection's input, positioned just after the request head.</param>
    /// <param name="head">The parsed head: whether there is a body, its length or chunked framing.</param>
    /// <param name="options">The size limit (<see cref="HttpServerOptions.MaxRequestBodySize"/>) to enforce.</param>
    /// <param name="rate">The connection's guard, started again for this body.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(PipeReader reader, RequestHead head, HttpServerOptions options, DataRateGuard rate)
    {
        if (!head.HasBody)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        rate.Start();
        try
        {
            return head.IsChunked
                ? await ReadChunkedAsync(reader, options, rate).ConfigureAwait(false)
                : await ReadFixedAsync(reader, head.ContentLength!.Value, options, rate).ConfigureAwait(false);
        }
        finally
        {
            rate.Stop();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadOnlyMemory<byte>> ReadFixedAsync(PipeReader reader, long length, HttpServerOptions options, DataRateGuard rate)
    {
        if (length > options.MaxRequestBodySize)
        {
            BadHttpRequestException.BodyTooLarge(options.MaxRequestBodySize);
        }

        var body = new byte[length];
        var filled = 0;
        while (filled < body.Length)
        {
            var result = await rate.ReadAsync(reader).ConfigureAwait(false);
            var buffer = result.Buffer;
            var take = (int)Math.Min(buffer.Length, body.Length - filled);
            buffer.Slice(0, take).CopyTo(body.AsSpan(filled));
            filled += take;
            rate.Received(take);
            reader.AdvanceTo(buffer.GetPosition(take));
            if (filled < body.Length && result.IsCompleted)
            {
                BadHttpRequestException.BadRequest("The connection closed before the whole request body arrived.");
            }
        }

        return body;
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadChunkedAsync(PipeReader reader, HttpServerOptions options, DataRateGuard rate)
    {
        var body = new ArrayBufferWriter<byte>(4096);
        var decoder = new ChunkedBodyReader(options.MaxRequestBodySize, options.MaxRequestHeadersTotalSize);
        while (true)
        {
            var result = await rate.ReadAsync(reader).ConfigureAwait(false);
            var buffer = result.Buffer;
            var sequence = new SequenceReader<byte>(buffer);
            var done = false;
            try
            {
                done = decoder.Read(ref sequence, body);
            }
            finally
            {
                // Keep the unconsumed tail (a partial line) and wait for more than we have already examined; once done,
                // the rest belongs to the next request.
                rate.Received(sequence.Consumed);
                reader.AdvanceTo(sequence.Position, done ? sequence.Position : buffer.End);
            }

            if (done)
            {
                return body.WrittenMemory;
            }

            if (result.IsCompleted)
            {
                BadHttpRequestException.BadRequest("The connection closed before the whole chunked body arrived.");
            }
        }
    }

    /// <summary>
    /// Cancels a read when the body so far arrived slower than the minimum rate (after the grace period): a client trickling a
    /// body ties up a connection and a buffer as surely as one trickling headers. One per connection, started per body.
    /// </summary>
    internal sealed class DataRateGuard : IDisposable
    {
        private readonly HttpServerOptions _options;
        private readonly CancellationToken _abort;
        private CancellationTokenSource _timer;
        private long _started;
        private long _received;

        public DataRateGuard(HttpServerOptions options, CancellationToken abort)
        {
            _options = options;
            _abort = abort;
            _timer = CancellationTokenSource.CreateLinkedTokenSource(abort);
        }

        /// <summary>Starts timing a new body.</summary>
        public void Start()
        {
            _started = Stopwatch.GetTimestamp();
            _received = 0;
        }

        /// <summary>Disarms the timer between bodies; a source that already fired is replaced (its connection is ending anyway).</summary>
        public void Stop()
        {
            if (!_timer.TryReset())
            {
                _timer.Dispose();
                _timer = CancellationTokenSource.CreateLinkedTokenSource(_abort);
            }
        }

        public void Received(long bytes) => _received += bytes;

        public async ValueTask<ReadResult> ReadAsync(PipeReader reader)
        {
            if (_options.MinRequestBodyDataRate > 0)
            {
                // The body is too slow once elapsed > grace and received / elapsed < rate, i.e. at max(grace, received / rate).
                var deadline = TimeSpan.FromSeconds(Math.Max(_options.MinRequestBodyDataRateGracePeriod.TotalSeconds, _received / _options.MinRequestBodyDataRate));
                var remaining = deadline - Stopwatch.GetElapsedTime(_started);
                _timer.CancelAfter(remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1));
            }

            try
            {
                return await reader.ReadAsync(_timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
            {
                throw new TimeoutException("The request body arrived slower than the minimum data rate.");
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
