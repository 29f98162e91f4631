using System.Collections.Concurrent;

namespace Marconi.Storage.Faster;

/// <summary>
/// Log addresses that readers are about to read. A message chosen under its queue's lock may be deleted right after;
/// its body must still be readable, so truncation never goes past the lowest pinned address.
/// </summary>
internal sealed class ReadPins
{
    private readonly ConcurrentDictionary<long, long> _pins = new();
    private long _lastToken;

    /// <summary>Pins <paramref name="address"/>; returns the token that releases it.</summary>
    public long Pin(long address)
    {
        var token = Interlocked.Increment(ref _lastToken);
        _pins[token] = address;
        return token;
    }

    public void Release(long token)
    {
        if (token != 0)
        {
            _pins.TryRemove(token, out _);
        }
    }

    /// <summary>The lowest pinned address, or <see cref="long.MaxValue"/>.</summary>
    public long Lowest()
    {
        var lowest = long.MaxValue;
        foreach (var pin in _pins)
        {
            lowest = Math.Min(lowest, pin.Value);
        }

        return lowest;
    }
}
