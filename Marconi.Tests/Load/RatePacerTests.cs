using System.Diagnostics;
using Marconi.Load;

namespace Marconi.Tests.Load;

/// <summary>--rate: the pacer spaces a worker's requests on a fake clock, never bursts after a stall, and is parsed.</summary>
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
    public async Task A_worker_behind_its_schedule_does_not_burst()
    {
        var pacer = Pacer(100);
        await pacer.WaitAsync(long.MaxValue);

        // A 1 s stall (a slow answer) is not made up afterwards: the next slots are 10 ms apart again.
        _now += Stopwatch.Frequency;
        var afterStall = _now;
        await pacer.WaitAsync(long.MaxValue);
        Assert.Equal(afterStall, _now);
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
    public void Rate_is_parsed_and_split_over_the_workers()
    {
        var options = LoadOptions.Parse(["--producers", "2", "--consumers", "2", "--rate", "1000"]);
        Assert.Equal(1000, options.Rate);
        Assert.Equal(250, options.RatePerWorker);
        Assert.Equal(0, LoadOptions.Parse([]).RatePerWorker);
        Assert.Throws<UsageException>(() => LoadOptions.Parse(["--rate", "-5"]));
        Assert.Throws<UsageException>(() => LoadOptions.Parse(["--rate", "fast"]));
    }
}
