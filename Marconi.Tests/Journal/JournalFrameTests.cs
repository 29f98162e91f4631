using System.Buffers.Binary;
using Marconi.Storage.Faster.Journal;

namespace Marconi.Tests.Journal;

public sealed class JournalFrameTests
{
    [Fact]
    public void A_frame_verifies_and_holds_both_parts_in_order()
    {
        var first = "hello, "u8.ToArray();
        var second = "journal"u8.ToArray();
        var frame = new byte[JournalFrame.HeaderSize + first.Length + second.Length];

        JournalFrame.Write(frame, first, second);

        Assert.True(JournalFrame.TryVerify(frame, out var length, out var problem), problem);
        Assert.Equal(first.Length + second.Length, length);
        Assert.Equal("hello, journal"u8.ToArray(), frame.AsSpan(JournalFrame.HeaderSize, length).ToArray());
    }

    [Fact]
    public void An_empty_payload_is_a_valid_frame()
    {
        var frame = new byte[JournalFrame.HeaderSize];
        JournalFrame.Write(frame, [], []);

        Assert.True(JournalFrame.TryVerify(frame, out var length, out _));
        Assert.Equal(0, length);
    }

    [Fact]
    public void Every_single_flipped_byte_is_rejected()
    {
        var payload = JournalTestKit.Payload(7);
        var frame = new byte[JournalFrame.HeaderSize + payload.Length];
        JournalFrame.Write(frame, payload, []);

        for (var position = 0; position < frame.Length; position++)
        {
            var damaged = (byte[])frame.Clone();
            damaged[position] ^= 0x5A;
            Assert.False(JournalFrame.TryVerify(damaged, out _, out var problem), $"A flipped byte at {position} went unnoticed.");
            Assert.False(string.IsNullOrEmpty(problem));
        }
    }

    [Fact]
    public void Short_entries_bad_magic_and_wrong_lengths_are_rejected()
    {
        var frame = new byte[JournalFrame.HeaderSize + 10];
        JournalFrame.Write(frame, new byte[10], []);

        Assert.False(JournalFrame.TryVerify(frame.AsSpan(0, 8), out _, out _));
        Assert.False(JournalFrame.TryVerify(frame.AsSpan(0, frame.Length - 1), out _, out _));

        var longer = new byte[frame.Length + 4];
        frame.CopyTo(longer, 0);
        Assert.False(JournalFrame.TryVerify(longer, out _, out _));

        var zeroes = new byte[64];
        Assert.False(JournalFrame.TryVerify(zeroes, out _, out var problem));
        Assert.Contains("magic", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_is_the_documented_layout()
    {
        var frame = new byte[JournalFrame.HeaderSize + 3];
        JournalFrame.Write(frame, [1, 2, 3], []);

        Assert.Equal("MRJL"u8.ToArray(), frame[..4]);
        Assert.Equal(JournalFrame.Version, frame[4]);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(8)));
    }

    [Fact]
    public void The_largest_payload_leaves_room_for_both_headers_in_a_page()
    {
        Assert.Equal(65536 - 12 - 16, JournalFrame.MaxPayloadSize(16));
        Assert.Equal((4 << 20) - 28, JournalFrame.MaxPayloadSize(22));
    }
}
