using System.Buffers;

namespace Marconi.Fuzz.Targets;

/// <summary>Builds multi-segment sequences, so the parsers' paths for a line split across buffers are exercised.</summary>
internal static class Segments
{
    /// <summary><paramref name="data"/> as a sequence of segments of at most <paramref name="size"/> bytes.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> data, int size)
    {
        if (data.Length <= size)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var first = new Segment(data[..size], 0);
        var last = first;
        for (var offset = size; offset < data.Length; offset += size)
        {
            last = last.Append(data[offset..Math.Min(offset + size, data.Length)]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
