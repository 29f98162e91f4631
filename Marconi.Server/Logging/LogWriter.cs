using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Marconi.Server.Logging;

/// <summary>
/// Writes log events to stdout and, when configured, to a file and a syslog server, on one background task. Logging
/// never blocks a caller: events go through a bounded queue, and when the sinks fall behind (stdout piped to a reader
/// that stopped reading, say) new events are dropped and counted, and a line saying how many follows once the queue drains.
/// </summary>
/// <remarks>
/// <para>
/// Stdout is written through <see cref="Console.Out"/>, whose writes are serialised: a batch of whole lines never
/// interleaves with the server's <c>Marconi listening on</c> line.
/// </para>
/// <para>
/// The file supports both ways logrotate rotates: <c>copytruncate</c> (each batch is written at the file's current end,
/// so a truncated file goes on from its new end instead of from the old offset behind a run of NUL bytes) and
/// <c>create</c> with a SIGHUP afterwards (<see cref="ReopenFile"/>: the next batch goes to a file opened anew at the
/// configured path).
/// </para>
/// </remarks>
internal sealed class LogWriter : IAsyncDisposable
{
    private const int QueueCapacity = 10_000;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // Wait mode, written only with TryWrite: a full queue makes TryWrite return false, which is counted. (DropWrite
    // would drop the event and still return true, so no drop would ever be counted or reported.)
    private readonly Channel<LogEntry> _queue = Channel.CreateBounded<LogEntry>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly LogFormat _format;
    private readonly TextWriter _stdout;
    private readonly string? _filePath;
    private FileStream? _file;
    private int _reopenRequested;
    private readonly Socket? _syslog;
    private readonly string _hostName = Dns.GetHostName();
    private readonly int _processId = Environment.ProcessId;
    private readonly Task _loop;
    private long _dropped;

    /// <summary>Opens the sinks (the file is created when missing and appended to) and starts writing.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be written.</exception>
    /// <exception cref="SocketException">No socket for syslog.</exception>
    public LogWriter(LogFormat format, TextWriter stdout, string? filePath, IPEndPoint? syslog)
    {
        _format = format;
        _stdout = stdout;
        _filePath = filePath;
        if (filePath is not null)
        {
            _file = OpenFile(filePath);
        }

        if (syslog is not null)
        {
            _syslog = new Socket(syslog.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            _syslog.Connect(syslog);
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Makes the next batch go to a file opened anew at the configured path (after logrotate moved the old one).</summary>
    public void ReopenFile() => Interlocked.Exchange(ref _reopenRequested, 1);

    /// <summary>Queues an event; drops it (and counts it) when the queue is full.</summary>
    public void Enqueue(LogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Writes what is queued, then closes the sinks.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }

        _syslog?.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new StringBuilder(4096);
        long reportedDrops = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Length < 256 * 1024 && reader.TryRead(out var entry))
            {
                LogLineFormatter.Append(batch, entry, _format);
                batch.Append('\n');
                SendSyslog(entry);
            }

            var dropped = Dropped;
            if (dropped != reportedDrops)
            {
                var notice = DropNotice(dropped - reportedDrops);
                reportedDrops = dropped;
                LogLineFormatter.Append(batch, notice, _format);
                batch.Append('\n');
                SendSyslog(notice);
            }

            Write(batch);
        }
    }

    private void Write(StringBuilder batch)
    {
        var text = batch.ToString();
        WriteStdout(text);

        if (_filePath is not null && Interlocked.Exchange(ref _reopenRequested, 0) == 1)
        {
            Reopen(_filePath);
        }

        if (_file is not null)
        {
            try
            {
                // The end as the file system sees it now: after a copytruncate it is no longer where this stream was.
                _file.Seek(0, SeekOrigin.End);
                _file.Write(Encoding.UTF8.GetBytes(text));
                _file.Flush();
            }
            catch (IOException)
            {
                // Disk full or the file system went away: logging must not stop the server.
            }
        }
    }

    private void Reopen(string path)
    {
        FileStream reopened;
        try
        {
            reopened = OpenFile(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Keep writing where we were rather than lose the lines; the log says why (in the next batch).
            Enqueue(Notice(498, "LogFileReopenFailed", $"Cannot reopen the log file {path}: {exception.Message}; still writing to the file opened before", new("Path", path)));
            return;
        }

        _file?.Dispose();
        _file = reopened;
    }

    // Not FileMode.Append: such a stream refuses to seek below the length the file had when opened, so after a
    // copytruncate of a file that already held lines every write would fail.
    private static FileStream OpenFile(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }

    private void WriteStdout(string text)
    {
        try
        {
            _stdout.Write(text);
            _stdout.Flush();
        }
        catch (IOException)
        {
            // stdout closed (the reader went away): the other sinks still get the events.
        }
    }

    private void SendSyslog(LogEntry entry)
    {
        if (_syslog is null)
        {
            return;
        }

        var datagram = Encoding.UTF8.GetBytes(SyslogFormatter.Format(entry, _hostName, _processId));
        try
        {
            // Over UDP a message is one datagram; receivers must accept 480 bytes and should accept 2048 (RFC 5426).
            _syslog.Send(datagram.AsSpan(0, Math.Min(datagram.Length, 8192)), SocketFlags.None);
        }
        catch (SocketException)
        {
            // Nobody listening (ICMP port unreachable) or a full buffer: syslog over UDP is best effort.
        }
    }

    private static LogEntry DropNotice(long count) =>
        Notice(499, "LogEventsDropped", $"{count} log events were dropped: the log sinks fell behind", new("Count", count));

    /// <summary>A warning of the writer's own, written like any other event.</summary>
    private static LogEntry Notice(int eventId, string eventName, FormattableString message, KeyValuePair<string, object?> field) => new(
        DateTimeOffset.UtcNow,
        LogLevel.Warning,
        typeof(LogWriter).FullName!,
        eventId,
        eventName,
        FormattableString.Invariant(message),
        [field],
        null);
}
