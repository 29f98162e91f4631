using System.Runtime.InteropServices;

namespace Marconi.Storage.Faster.State;

/// <summary>
/// What the in-memory index keeps of one message: where its body is in the log and the few numbers the queue rules
/// need. Bodies stay in the log; this struct is the whole per-message memory cost (see <see cref="Size"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct MessageEntry
{
    /// <summary>Bytes one entry takes in the index array.</summary>
    public static readonly int Size = Marshal.SizeOf<MessageEntry>();

    /// <summary>Store-wide sequence: the id, the marker and the FIFO order. Zero marks a removed slot.</summary>
    public long Sequence;

    /// <summary>Log address of the record holding the body.</summary>
    public long Address;

    /// <summary>Creation time, Unix milliseconds.</summary>
    public long CreatedMs;

    /// <summary>Expiry time, Unix milliseconds; a claim can push it later.</summary>
    public long ExpiresMs;

    /// <summary>The holding claim's sequence, or 0.</summary>
    public long ClaimSequence;

    /// <summary>When the holding claim expires, Unix milliseconds.</summary>
    public long ClaimExpiresMs;

    /// <summary>Offset of the body inside the record's payload.</summary>
    public int BodyOffset;

    /// <summary>Bytes of the body as stored (compressed or not).</summary>
    public int StoredLength;

    /// <summary>Bytes of the body as posted; equal to <see cref="StoredLength"/> when stored uncompressed.</summary>
    public int RawLength;

    /// <summary>The ttl posted with, seconds.</summary>
    public int Ttl;

    /// <summary>Delay posted with, seconds.</summary>
    public int Delay;

    /// <summary>How many times the message was claimed.</summary>
    public int ClaimCount;

    /// <summary>Index of the poster's client id in the queue's client table.</summary>
    public int ClientIndex;

    /// <summary>True while the slot holds a message that has not been deleted.</summary>
    public readonly bool InUse => Sequence != 0;

    /// <summary>True when the body is LZ4-compressed in the log.</summary>
    public readonly bool IsCompressed => StoredLength != RawLength;

    /// <summary>Not deleted and not expired.</summary>
    public readonly bool IsLive(long nowMs) => Sequence != 0 && ExpiresMs > nowMs;

    /// <summary>Held by a claim that has not expired.</summary>
    public readonly bool IsClaimed(long nowMs) => ClaimSequence != 0 && ClaimExpiresMs > nowMs;

    /// <summary>Its delay has not passed yet.</summary>
    public readonly bool IsDelayed(long nowMs) => Delay > 0 && CreatedMs + (Delay * 1000L) > nowMs;
}
