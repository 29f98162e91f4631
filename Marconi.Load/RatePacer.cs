using System.Diagnostics;

namespace Marconi.Load;

/// <summary>
/// Spaces one worker's requests at a fixed interval (its share of <c>--rate</c>) on an absolute schedule, so a timer
/// that fires late (a busy machine) costs no slots. A worker that fell further behind (a slow answer) catches up by at
/// most <see cref="CatchUpSlots"/> back-to-back requests and drops the rest, so a stall is never followed by a flood
/// and the offered rate never exceeds the target; the closed loop still caps it at what the server answers.
/// </summary>
internal sealed class RatePacer
{
    /// <summary>How many missed slots a late worker may still send back to back.</summary>
    public const int CatchUpSlots = 4;

    private readonly long _intervalTicks;
    private readonly Func<long> _now;
    private readonly Func<TimeSpan, Task> _delay;
    private long _next;

    /// <param name="requestsPerSecond">This worker's rate; 0 or less means no pacing.</param>
    /// <param name="now">The clock, in <see cref="Stopwatch"/> ticks (tests pass a fake).</param>
    /// <param name="delay">How to wait (tests pass a fake that moves their clock).</param>
    public RatePacer(double requestsPerSecond, Func<long>? now = null, Func<TimeSpan, Task>? delay = null)
    {
        _intervalTicks = requestsPerSecond > 0 ? Math.Max(1, (long)(Stopwatch.Frequency / requestsPerSecond)) : 0;
        _now = now ?? Stopwatch.GetTimestamp;
        _delay = delay ?? Task.Delay;
        _next = _now();
    }

    /// <summary>A pacer that never waits.</summary>
    public static RatePacer None { get; } = new(0);

    /// <summary>Waits until this worker's next slot, but never past <paramref name="deadline"/> (a timestamp).</summary>
    public async ValueTask WaitAsync(long deadline)
    {
        if (_intervalTicks == 0)
        {
            return;
        }

        var now = _now();
        var wait = Math.Min(_next, deadline) - now;
        if (wait > 0)
        {
            await _delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            now = _now();
        }

        _next = Math.Max(_next, now - (CatchUpSlots * _intervalTicks)) + _intervalTicks;
    }
}
