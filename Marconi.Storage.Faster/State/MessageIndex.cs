namespace Marconi.Storage.Faster.State;

/// <summary>
/// A queue's messages ordered by sequence, in one growable array of structs. Appends go at the end (sequences grow);
/// removals clear a slot and the array is compacted when holes dominate, so lookups stay a binary search and scans stay
/// cache-friendly. Not thread-safe: the owning queue's lock guards it.
/// </summary>
internal sealed class MessageIndex
{
    // Empty until the first append: a store with many idle queues pays nothing per queue for the array.
    private const int FirstCapacity = 4;
    private MessageEntry[] _entries = [];
    private int _head;
    private int _tail;
    private int _holes;
    private long _earliestExpiryMs = long.MaxValue;

    // True while record addresses never decrease along the array: then the head holds the lowest address. Posts
    // append in log order; dead-lettered copies (which keep their old record) and relocations break it until empty.
    private bool _addressOrdered = true;
    private long _highestAppendedAddress;

    /// <summary>Messages in the index (live or expired, not deleted).</summary>
    public int Count => _tail - _head - _holes;

    /// <summary>First occupied position (may be a hole).</summary>
    public int Start => _head;

    /// <summary>One past the last position.</summary>
    public int End => _tail;

    /// <summary>
    /// No entry expires before this (Unix milliseconds): a lower bound, so a sweep that finds the clock before it has
    /// nothing to drop and need not look. Entries only enter through <see cref="Append"/>, and their expiry is only
    /// ever moved later afterwards (claims extend it), so the minimum taken at append stays a bound.
    /// </summary>
    public long EarliestExpiryMs => _earliestExpiryMs;

    /// <summary>The lowest record address of any entry, or <see cref="long.MaxValue"/> when empty; O(1) while ordered.</summary>
    public long LowestAddress()
    {
        if (_head == _tail)
        {
            return long.MaxValue;
        }

        if (_addressOrdered)
        {
            // Removals advance the head past holes, so the head slot is in use.
            return _entries[_head].Address;
        }

        var lowest = long.MaxValue;
        for (var position = _head; position < _tail; position++)
        {
            if (_entries[position].InUse)
            {
                lowest = Math.Min(lowest, _entries[position].Address);
            }
        }

        return lowest;
    }

    /// <summary>Call after changing an entry's <see cref="MessageEntry.Address"/> in place (relocation).</summary>
    public void AddressesMoved() => _addressOrdered = false;

    /// <summary>Recomputes <see cref="EarliestExpiryMs"/> from the entries (after a sweep removed the earliest ones).</summary>
    public void RecomputeEarliestExpiry()
    {
        var earliest = long.MaxValue;
        for (var position = _head; position < _tail; position++)
        {
            if (_entries[position].InUse)
            {
                earliest = Math.Min(earliest, _entries[position].ExpiresMs);
            }
        }

        _earliestExpiryMs = earliest;
    }

    /// <summary>The slot at a position, by reference.</summary>
    public ref MessageEntry this[int position] => ref _entries[position];

    /// <summary>Appends an entry whose sequence is greater than every other.</summary>
    public void Append(in MessageEntry entry)
    {
        if (_tail == _entries.Length)
        {
            Grow();
        }

        // Compared with the highest address appended, not the last slot: that slot may be a hole.
        if (entry.Address < _highestAppendedAddress)
        {
            _addressOrdered = false;
        }

        _highestAppendedAddress = Math.Max(_highestAppendedAddress, entry.Address);

        _entries[_tail++] = entry;
        _earliestExpiryMs = Math.Min(_earliestExpiryMs, entry.ExpiresMs);
    }

    /// <summary>Makes room for <paramref name="count"/> more appends at once (recovery knows the count up front).</summary>
    public void EnsureCapacity(int count)
    {
        if (_tail + count > _entries.Length)
        {
            Array.Resize(ref _entries, _tail + count);
        }
    }

    /// <summary>Position of the entry with this sequence, or -1.</summary>
    public int Find(long sequence)
    {
        var position = LowerBound(sequence);
        return position < _tail && _entries[position].Sequence == sequence ? position : -1;
    }

    /// <summary>First position whose sequence is greater than <paramref name="sequence"/> (holes are skipped by callers).</summary>
    public int UpperBound(long sequence)
    {
        var position = LowerBound(sequence);
        while (position < _tail && _entries[position].Sequence == sequence)
        {
            position++;
        }

        return position;
    }

    /// <summary>Clears the slot at a position.</summary>
    public void RemoveAt(int position)
    {
        _entries[position] = default;
        _holes++;
        while (_head < _tail && !_entries[_head].InUse)
        {
            _head++;
            _holes--;
        }

        if (_head == _tail)
        {
            _head = _tail = _holes = 0;
            _addressOrdered = true;
            _highestAppendedAddress = 0;
        }
        else if (_holes > 64 && _holes > (_tail - _head) / 2)
        {
            Compact();
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        _entries = [];
        _head = _tail = _holes = 0;
        _earliestExpiryMs = long.MaxValue;
        _addressOrdered = true;
        _highestAppendedAddress = 0;
    }

    /// <summary>Bytes held by the index array.</summary>
    public long AllocatedBytes => (long)_entries.Length * MessageEntry.Size;

    // Holes keep their zero sequence, which would break ordering; binary search therefore probes forward past holes.
    private int LowerBound(long sequence)
    {
        int low = _head, high = _tail;
        while (low < high)
        {
            var mid = low + ((high - low) >> 1);
            var probe = mid;
            while (probe < high && !_entries[probe].InUse)
            {
                probe++;
            }

            if (probe == high)
            {
                high = mid;
            }
            else if (_entries[probe].Sequence < sequence)
            {
                low = probe + 1;
            }
            else
            {
                high = mid;
            }
        }

        while (low < _tail && !_entries[low].InUse)
        {
            low++;
        }

        return low;
    }

    private void Grow()
    {
        var live = _tail - _head;
        if (_head > 0 && live <= _entries.Length / 2)
        {
            Compact();
            if (_tail < _entries.Length)
            {
                return;
            }
        }

        Array.Resize(ref _entries, Math.Max(FirstCapacity, _entries.Length * 2));
    }

    private void Compact()
    {
        var write = 0;
        for (var read = _head; read < _tail; read++)
        {
            if (_entries[read].InUse)
            {
                _entries[write++] = _entries[read];
            }
        }

        Array.Clear(_entries, write, _tail - write);
        _head = 0;
        _tail = write;
        _holes = 0;

        // Give memory back after a large backlog drains.
        if (_entries.Length > 1024 && write < _entries.Length / 4)
        {
            Array.Resize(ref _entries, Math.Max(16, write * 2));
        }
    }
}
