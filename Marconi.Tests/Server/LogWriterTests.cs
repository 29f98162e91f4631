using System.Text;
using Marconi.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Marconi.Tests.Server;

/// <summary>The log writer never blocks its callers: when stdout stops taking lines, events are dropped, counted and reported.</summary>
public sealed class LogWriterTests
{
    [Fact]
    public async Task Events_beyond_the_queue_are_dropped_counted_and_reported_once_the_sink_moves_again()
    {
        var stdout = new GatedWriter();
        var writer = new LogWriter(LogFormat.Plain, stdout, filePath: null, syslog: null);
        try
        {
            // The first event occupies the writer in a blocked write; then the queue (10,000) fills and the rest drop.
            writer.Enqueue(Event(0));
            Assert.True(stdout.Entered.Wait(TimeSpan.FromSeconds(10)), "the writer never started writing");
            for (var i = 1; i <= 10_500; i++)
            {
                writer.Enqueue(Event(i));
            }

            Assert.Equal(500, writer.Dropped);
        }
        finally
        {
            stdout.Open.Set();
            await writer.DisposeAsync();
        }

        var text = stdout.Text;
        Assert.Contains("event 10000\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("event 10001\n", text, StringComparison.Ordinal);
        Assert.Contains("LogWriter[499] 500 log events were dropped: the log sinks fell behind", text, StringComparison.Ordinal);
    }

    private static LogEntry Event(int n) =>
        new(DateTimeOffset.UnixEpoch, LogLevel.Information, "Marconi.Test", 1, null, $"event {n}", [], null);

    /// <summary>A stdout whose writes wait until <see cref="Open"/> is set.</summary>
    private sealed class GatedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Open { get; } = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(string? value)
        {
            Entered.Set();
            Open.Wait(TimeSpan.FromSeconds(30));
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }
}
