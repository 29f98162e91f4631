using System.Buffers.Binary;

namespace Marconi.Core;

/// <summary>
/// The id format of messages and claims: 24 lowercase hex digits, a 64-bit sequence number followed by a 32-bit store
/// tag. Sequences grow monotonically within a store and the tag is random per store, so ids are unique forever and sort
/// in acceptance order within one store; clients treat them as opaque.
/// </summary>
public static class ResourceIds
{
    /// <summary>Length of an id in characters.</summary>
    public const int Length = 24;

    /// <summary>Formats a sequence and store tag as an id.</summary>
    public static string Format(long sequence, uint storeTag)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(bytes, sequence);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], storeTag);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Parses an id of this store; false when malformed or issued by another store.</summary>
    public static bool TryParse(ReadOnlySpan<char> id, uint storeTag, out long sequence)
    {
        sequence = 0;
        if (id.Length != Length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[12];
        foreach (var c in id)
        {
            // Only the canonical lowercase form is accepted, so one resource never has two spellings.
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        if (Convert.FromHexString(id, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != storeTag)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return sequence > 0;
    }
}
