using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Marconi.Storage.Faster.Hashing;

namespace Marconi.Storage.Faster.Journal;

/// <summary>
/// Our header in front of every payload stored as one FASTER entry. FASTER's own per-entry checksum is an XOR of
/// 8-byte words, which misses many multi-byte errors; the CRC-32C here is what decides whether a payload is served.
/// </summary>
/// <remarks>
/// Layout, little-endian, 16 bytes:
/// <code>
/// 0  uint32 magic "MRJL"      4  byte version (1)      5  byte flags (0)      6  uint16 reserved (0)
/// 8  int32  payload length    12 uint32 CRC-32C of bytes 0..11 followed by the payload
/// </code>
/// The CRC covers the header fields too, so a damaged length or version is caught even when it still looks plausible.
/// </remarks>
internal static class JournalFrame
{
    /// <summary>Bytes of our header.</summary>
    public const int HeaderSize = 16;

    /// <summary>Bytes FASTER puts in front of each entry when per-entry checksums are on (8 checksum, 4 length).</summary>
    public const int FasterEntryHeaderSize = 12;

    /// <summary>The magic number, "MRJL" as bytes on disk.</summary>
    public const uint Magic = 0x4C4A524D;

    /// <summary>The header version this code writes and reads.</summary>
    public const byte Version = 1;

    private const int CoveredHeaderBytes = 12;

    /// <summary>The largest payload whose frame, with FASTER's entry header, fits in one page of 2^<paramref name="pageSizeBits"/> bytes.</summary>
    public static int MaxPayloadSize(int pageSizeBits) => (1 << pageSizeBits) - FasterEntryHeaderSize - HeaderSize;

    /// <summary>Writes the frame of the payload <paramref name="first"/> followed by <paramref name="second"/>.</summary>
    /// <param name="destination">Exactly <see cref="HeaderSize"/> plus both lengths.</param>
    /// <param name="first">Start of the payload.</param>
    /// <param name="second">Rest of the payload (may be empty).</param>
    public static void Write(Span<byte> destination, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var payloadLength = first.Length + second.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], payloadLength);
        first.CopyTo(destination[HeaderSize..]);
        second.CopyTo(destination[(HeaderSize + first.Length)..]);

        var crc = Crc32C.Append(uint.MaxValue, destination[..CoveredHeaderBytes]);
        crc = ~Crc32C.Append(crc, destination.Slice(HeaderSize, payloadLength));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CoveredHeaderBytes..], crc);
    }

    /// <summary>Checks a whole FASTER entry against our header and CRC.</summary>
    /// <param name="entry">The entry exactly as FASTER returned it.</param>
    /// <param name="payloadLength">The payload length, which starts at <see cref="HeaderSize"/>, when valid.</param>
    /// <param name="problem">Why the entry is rejected, when it is.</param>
    /// <returns>True when the payload may be used.</returns>
    public static bool TryVerify(ReadOnlySpan<byte> entry, out int payloadLength, [NotNullWhen(false)] out string? problem)
    {
        payloadLength = 0;
        if (entry.Length < HeaderSize)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the entry holds {entry.Length} bytes, fewer than the {HeaderSize}-byte frame header");
            return false;
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        if (magic != Magic)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"bad magic number 0x{magic:x8}");
            return false;
        }

        if (entry[4] != Version || entry[5] != 0 || BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]) != 0)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"unknown frame version {entry[4]} or reserved bits set");
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(entry[8..]);
        if (length < 0 || length != entry.Length - HeaderSize)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the frame says {length} payload bytes but the entry holds {entry.Length - HeaderSize}");
            return false;
        }

        var crc = Crc32C.Append(uint.MaxValue, entry[..CoveredHeaderBytes]);
        crc = ~Crc32C.Append(crc, entry.Slice(HeaderSize, length));
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(entry[CoveredHeaderBytes..]);
        if (crc != stored)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"CRC-32C mismatch (stored 0x{stored:x8}, computed 0x{crc:x8})");
            return false;
        }

        payloadLength = length;
        problem = null;
        return true;
    }
}
