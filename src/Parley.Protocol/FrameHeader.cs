using System.Buffers.Binary;

namespace Parley.Protocol;

/// <summary>
/// The fixed 12-byte frame header, big-endian:
/// <c>[0..4) payload length (u32) | [4] type | [5] flags | [6..8) reserved, zero | [8..12) request id (u32)</c>.
/// </summary>
/// <remarks>
/// The length comes first so a reader can reject an oversized frame from the first four bytes,
/// before it buffers anything else. The request id lives in the header, not the payload, so a
/// reply can be matched to its request and a fan-out frame (request id 0) encoded once for all.
/// </remarks>
public readonly record struct FrameHeader(uint PayloadLength, FrameType Type, FrameFlags Flags, uint RequestId)
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 12;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, PayloadLength);
        destination[4] = (byte)Type;
        destination[5] = (byte)Flags;
        destination[6] = 0;
        destination[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], RequestId);
    }
}

/// <summary>Header flag bits (offset 5). Protocol v1 defines none; a frame with any bit set is malformed.</summary>
[Flags]
public enum FrameFlags : byte
{
    None = 0,
}
