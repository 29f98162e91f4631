using System.Diagnostics;
using Marconi.Load;

namespace Marconi.Tests.Load;

/// <summary>--rate: the pacer spaces a worker's requests on a fake clock, absorbs late timers, bounds the catch-up after a stall, and is parsed.</summary>
public sealed class RatePacerTests
{
    private long _now = 1_000_000;

    private RatePacer Pacer(double rate) => new(rate, () => _now, d =>
    {
        _now += (long)(d.TotalSeconds * Stopwatch.Frequency);
        return Task.CompletedTask;
    });

    private double ElapsedSeconds(long from) => (_now - from) / (double)Stopwatch.Frequency;

    [Fact]
    public async Task Requests_are_spaced_by_the_interval()
    {
        var pacer = Pacer(100);
        var start = _now;
        for (var i = 0; i < 11; i++)
        {
            await pacer.WaitAsync(long.MaxValue);
        }

        // The first request goes at once, the next ten 10 ms apart.
        Assert.Equal(0.100, ElapsedSeconds(start), 3);
    }

    [Fact]
    public async Task A_late_timer_costs_no_slot_and_a_stall_is_made_up_by_at_most_a_few_requests()
    {
        var pacer = Pacer(100);
        var start = _now;
        await pacer.WaitAsync(long.MaxValue);

        // The timer fires 3 ms late each time: the schedule stays 10 ms a slot, 11 requests in 100 ms.
        var late = new RatePacer(100, () => _now, d =>
        {
            _now += (long)((d.TotalSeconds + 0.003) * Stopwatch.Frequency);
            return Task.CompletedTask;
        });
        start = _now;
        for (var i = 0; i < 11; i++)
        {
            await late.WaitAsync(long.MaxValue);
        }

        Assert.InRange(ElapsedSeconds(start), 0.100, 0.104);

        // A 1 s stall (a slow answer): the next CatchUpSlots + 1 requests go at once, then 10 ms apart again.
        await pacer.WaitAsync(long.MaxValue);
        _now += Stopwatch.Frequency;
        var afterStall = _now;
        for (var i = 0; i <= RatePacer.CatchUpSlots; i++)
        {
            await pacer.WaitAsync(long.MaxValue);
            Assert.Equal(afterStall, _now);
        }

        await pacer.WaitAsync(long.MaxValue);
        Assert.Equal(0.010, ElapsedSeconds(afterStall), 3);
    }

    [Fact]
    public async Task The_wait_stops_at_the_deadline_and_no_rate_never_waits()
    {
        var pacer = Pacer(1);
        await pacer.WaitAsync(long.MaxValue);
        var start = _now;
        await pacer.WaitAsync(start + (Stopwatch.Frequency / 10));
        Assert.Equal(0.1, ElapsedSeconds(start), 3);

        var unpaced = Pacer(0);
        start = _now;
        for (var i = 0; i < 100; i++)
        {
            await unpaced.WaitAsync(long.MaxValue);
        }

        Assert.Equal(start, _now);
    }

    [Fact]
    public void Rate_is_parsed_and_split_over_producers_and_observers()
    {
        var options = LoadOptions.Parse(["--producers", "3", "--consumers", "2", "--observers", "1", "--rate", "1000"]);
        Assert.Equal(1000, options.Rate);
        Assert.Equal(250, options.RatePerPacedWorker);
        Assert.Equal(0, LoadOptions.Parse([]).RatePerPacedWorker);
        Assert.Equal(0, LoadOptions.Parse(["--producers", "0", "--consumers", "2", "--rate", "10"]).RatePerPacedWorker);
        Assert.Throws<UsageException>(() => LoadOptions.Parse(["--rate", "-5"]));
        Assert.Throws<UsageException>(() => LoadOptions.Parse(["--rate", "fast"]));
    }
}
