using Marconi.Storage.Faster.Journal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marconi.Tests.Journal;

/// <summary>Shared helpers of the journal tests: small logs, deterministic payloads, byte surgery on segment files.</summary>
internal static class JournalTestKit
{
    /// <summary>Generous bound that only detects hangs; no test measures speed.</summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(10);

    /// <summary>64 KiB pages and 1 MiB segments: a few thousand entries span several segments.</summary>
    public static FasterJournalOptions SmallOptions(Func<string, FASTER.core.IDevice>? deviceFactory = null) => new()
    {
        PageSizeBits = 16,
        MemorySizeBits = 18,
        SegmentSizeBits = 20,
        DeviceFactory = deviceFactory,
    };

    public static FasterJournal Open(string directory, FasterJournalOptions? options = null)
        => FasterJournal.Open(directory, options ?? SmallOptions(), NullLogger.Instance);

    /// <summary>Payload number <paramref name="index"/>: 40 to about 2 KiB, its bytes derived from the index.</summary>
    public static byte[] Payload(int index)
    {
        var payload = new byte[40 + (index * 7919 % 2000)];
        BitConverter.TryWriteBytes(payload, index);
        for (var i = 4; i < payload.Length; i++)
        {
            payload[i] = (byte)(index * 31 + i);
        }

        return payload;
    }

    /// <summary>Replays the whole journal, copying each payload.</summary>
    public static List<(long Address, byte[] Payload)> ReplayAll(FasterJournal journal, ReplayReport report, long from = 0)
    {
        var records = new List<(long, byte[])>();
        foreach (var record in journal.Replay(from, report))
        {
            records.Add((record.Address, record.Payload.ToArray()));
        }

        return records;
    }

    /// <summary>Asserts every replayed payload is exactly the one appended at its address.</summary>
    public static void AssertNoCorruptPayload(IReadOnlyDictionary<long, byte[]> appended, List<(long Address, byte[] Payload)> replayed)
    {
        foreach (var (address, payload) in replayed)
        {
            Assert.True(appended.TryGetValue(address, out var expected), $"Replay yielded an entry at {address} that was never appended.");
            Assert.Equal(expected, payload);
        }
    }

    public static async Task WithinTimeout(Task task, string what)
    {
        var finished = await Task.WhenAny(task, Task.Delay(HangTimeout));
        Assert.True(finished == task, $"{what} did not complete within {HangTimeout.TotalSeconds} s (hang).");
        await task;
    }

    public static async Task WithinTimeout(ValueTask task, string what) => await WithinTimeout(task.AsTask(), what);

    /// <summary>The segment file holding <paramref name="address"/> and the offset of the address in it.</summary>
    public static (string Path, long Offset) Locate(string directory, long address, int segmentSizeBits = 20)
        => (System.IO.Path.Combine(directory, $"journal.log.{address >> segmentSizeBits}"), address & ((1L << segmentSizeBits) - 1));

    /// <summary>Inverts <paramref name="count"/> bytes at <paramref name="offset"/> of <paramref name="path"/>.</summary>
    public static void FlipBytes(string path, long offset, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        for (var i = 0; i < count; i++)
        {
            buffer[i] ^= 0xFF;
        }

        stream.Position = offset;
        stream.Write(buffer);
    }

    /// <summary>Zeroes <paramref name="count"/> bytes at <paramref name="offset"/> of <paramref name="path"/>.</summary>
    public static void ZeroBytes(string path, long offset, int count)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        stream.Write(new byte[count]);
    }

    public static void CutFile(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(length);
    }

    /// <summary>The address just past an entry: FASTER's 12-byte header plus our frame, 4-byte aligned.</summary>
    public static long EntryEnd(long address, int payloadLength) => address + 12 + ((16 + payloadLength + 3) & ~3);

    /// <summary>Polls <paramref name="condition"/> until it holds or the hang timeout passes.</summary>
    public static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + HangTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
