using System.Buffers;
using System.Text;
using Marconi.Load.Http;

namespace Marconi.Tests.Load;

/// <summary>
/// Feeds a <see cref="HttpResponseParser"/> the way a PipeReader would: the unconsumed bytes (as a sequence of several
/// segments when they arrived in several pieces) plus each new piece, until the parser says the response is complete.
/// </summary>
internal static class ResponseFeed
{
    /// <summary>Feeds <paramref name="pieces"/> one after another; returns whether it completed and the bytes left over.</summary>
    public static (bool Complete, string Left) Feed(HttpResponseParser parser, IEnumerable<string> pieces, bool closeAtEnd = false)
    {
        var pending = new List<byte[]>();
        var all = pieces.ToList();
        for (var i = 0; i < all.Count; i++)
        {
            pending.Add(Encoding.ASCII.GetBytes(all[i]));
            var last = i == all.Count - 1;
            var buffer = Segments.Of(pending);
            var complete = parser.Parse(ref buffer, closeAtEnd && last);
            var rest = buffer.ToArray();
            pending.Clear();
            if (rest.Length > 0)
            {
                pending.Add(rest);
            }

            if (complete)
            {
                var tail = string.Concat(all.Skip(i + 1));
                return (true, Encoding.ASCII.GetString(rest) + tail);
            }
        }

        return (false, string.Concat(pending.Select(Encoding.ASCII.GetString)));
    }

    /// <summary>Every character in a piece of its own.</summary>
    public static IEnumerable<string> ByteByByte(string text) => text.Select(c => c.ToString());

    /// <summary>The text in two pieces split at <paramref name="at"/>.</summary>
    public static IEnumerable<string> SplitAt(string text, int at) => [text[..at], text[at..]];

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Of(List<byte[]> pieces)
        {
            var nonEmpty = pieces.Where(p => p.Length > 0).ToList();
            if (nonEmpty.Count == 0)
            {
                return ReadOnlySequence<byte>.Empty;
            }

            var first = new Segments(nonEmpty[0], 0);
            var last = first;
            foreach (var piece in nonEmpty.Skip(1))
            {
                var next = new Segments(piece, last.RunningIndex + last.Memory.Length);
                last.Next = next;
                last = next;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
