using Marconi.Storage.Faster.State;

namespace Marconi.Tests.Storage;

/// <summary>
/// The index's cheap bounds that let maintenance skip walking a deep queue: the earliest expiry and the lowest
/// record address. Each is checked against a brute-force walk of the same entries.
/// </summary>
public sealed class MessageIndexBoundsTests
{
    [Fact]
    public void Lowest_address_follows_the_head_while_addresses_are_appended_in_order()
    {
        var index = new MessageIndex();
        for (var i = 1; i <= 200; i++)
        {
            index.Append(Entry(i, address: i * 100, expiresMs: 10_000));
        }

        Assert.Equal(100, index.LowestAddress());
        for (var i = 0; i < 150; i++)
        {
            index.RemoveAt(index.Find(i + 1));
            Assert.Equal(BruteLowest(index), index.LowestAddress());
        }

        Assert.Equal(15_100, index.LowestAddress());
    }

    [Fact]
    public void Lowest_address_is_found_when_an_older_record_is_appended_late()
    {
        // A dead-lettered copy keeps its body where it was: a new sequence with an old address.
        var index = new MessageIndex();
        index.Append(Entry(1, address: 5_000, expiresMs: 10_000));
        index.Append(Entry(2, address: 6_000, expiresMs: 10_000));
        index.RemoveAt(index.Find(1));
        index.Append(Entry(3, address: 1_000, expiresMs: 10_000));
        Assert.Equal(1_000, index.LowestAddress());
        index.RemoveAt(index.Find(2));
        Assert.Equal(1_000, index.LowestAddress());
    }

    [Fact]
    public void Lowest_address_is_found_after_a_relocation_moves_the_head()
    {
        var index = new MessageIndex();
        index.Append(Entry(1, address: 100, expiresMs: 10_000));
        index.Append(Entry(2, address: 200, expiresMs: 10_000));
        index[index.Find(1)].Address = 900;
        index.AddressesMoved();
        Assert.Equal(200, index.LowestAddress());
    }

    [Fact]
    public void Random_appends_and_removals_agree_with_a_walk()
    {
        var random = new Random(7);
        var index = new MessageIndex();
        var live = new List<long>();
        long sequence = 0, address = 1_000;
        for (var step = 0; step < 5_000; step++)
        {
            if (live.Count == 0 || random.Next(3) != 0)
            {
                // Mostly increasing addresses, now and then an older one (a dead-lettered copy).
                address += random.Next(1, 50);
                var appended = random.Next(20) == 0 ? random.Next(1, (int)address) : address;
                index.Append(Entry(++sequence, appended, expiresMs: random.Next(1, 1_000)));
                live.Add(sequence);
            }
            else
            {
                var pick = random.Next(live.Count);
                index.RemoveAt(index.Find(live[pick]));
                live.RemoveAt(pick);
            }

            Assert.Equal(BruteLowest(index), index.LowestAddress());
            Assert.True(index.EarliestExpiryMs <= BruteEarliestExpiry(index), "The expiry bound must never be later than the earliest expiry.");
        }
    }

    [Fact]
    public void Earliest_expiry_is_a_lower_bound_that_a_recompute_tightens()
    {
        var index = new MessageIndex();
        Assert.Equal(long.MaxValue, index.EarliestExpiryMs);
        index.Append(Entry(1, address: 100, expiresMs: 3_000));
        index.Append(Entry(2, address: 200, expiresMs: 1_000));
        index.Append(Entry(3, address: 300, expiresMs: 2_000));
        Assert.Equal(1_000, index.EarliestExpiryMs);

        index.RemoveAt(index.Find(2));
        Assert.Equal(1_000, index.EarliestExpiryMs);
        index.RecomputeEarliestExpiry();
        Assert.Equal(2_000, index.EarliestExpiryMs);

        index.Clear();
        Assert.Equal(long.MaxValue, index.EarliestExpiryMs);
    }

    [Fact]
    public void An_index_holds_no_array_until_its_first_append_nor_after_it_is_cleared()
    {
        // A store with many idle queues pays for none of their arrays.
        var index = new MessageIndex();
        Assert.Equal(0, index.AllocatedBytes);
        Assert.Equal(0, index.Count);
        Assert.Equal(-1, index.Find(1));
        Assert.Equal(long.MaxValue, index.LowestAddress());

        for (var i = 1; i <= 40; i++)
        {
            index.Append(Entry(i, address: i * 10, expiresMs: 10_000));
        }

        Assert.Equal(40, index.Count);
        Assert.All(Enumerable.Range(1, 40), i => Assert.Equal(i, index[index.Find(i)].Sequence));
        Assert.Equal(10, index.LowestAddress());

        index.Clear();
        Assert.Equal(0, index.AllocatedBytes);
        Assert.Equal(-1, index.Find(1));
        index.Append(Entry(41, address: 410, expiresMs: 10_000));
        Assert.Equal(41, index[index.Find(41)].Sequence);
    }

    private static MessageEntry Entry(long sequence, long address, long expiresMs) =>
        new() { Sequence = sequence, Address = address, ExpiresMs = expiresMs, Ttl = 60 };

    private static long BruteLowest(MessageIndex index)
    {
        var lowest = long.MaxValue;
        for (var position = index.Start; position < index.End; position++)
        {
            if (index[position].InUse)
            {
                lowest = Math.Min(lowest, index[position].Address);
            }
        }

        return lowest;
    }

    private static long BruteEarliestExpiry(MessageIndex index)
    {
        var earliest = long.MaxValue;
        for (var position = index.Start; position < index.End; position++)
        {
            if (index[position].InUse)
            {
                earliest = Math.Min(earliest, index[position].ExpiresMs);
            }
        }

        return earliest;
    }
}
