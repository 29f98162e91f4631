using System.Buffers.Binary;
using System.Numerics;

namespace Marconi.Storage.Faster.Hashing;

/// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU has it, for detecting damaged bytes on disk.</summary>
internal static class Crc32C
{
    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>Continues a running (not yet finalised) CRC over more bytes; finalise with <c>~</c>.</summary>
    public static uint Append(uint running, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            running = BitOperations.Crc32C(running, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            running = BitOperations.Crc32C(running, b);
        }

        return running;
    }
}
