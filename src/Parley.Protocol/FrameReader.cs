using System.Buffers;
using System.Buffers.Binary;
using Parley.Protocol.Messages;

namespace Parley.Protocol;

/// <summary>The synchronous, I/O-free frame parser used by both ends' read loops.</summary>
public static class FrameReader
{
    /// <summary>
    /// Reads one frame from the front of <paramref name="buffer"/>. On success the buffer is sliced
    /// past the frame and the frame's payload points into the original memory.
    /// </summary>
    /// <returns><c>false</c> when the buffer holds less than a whole frame: read more and call again.</returns>
    /// <exception cref="ProtocolViolationException">
    /// The header is invalid: a length above <paramref name="maxPayload"/> (detected from the first
    /// four bytes, before any payload is buffered), non-zero reserved bits, unknown flags or type.
    /// </exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPayload, out Frame frame)
    {
        // A negative maximum would become a 4 GiB one in the unsigned comparison below.
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayload);
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        // Validate the length as soon as its four bytes are here, so a hostile 2 GiB length is
        // refused before the rest of the header, let alone the payload, is waited for.
        uint length = ReadUInt32(buffer);
        if (length > (uint)maxPayload)
        {
            ThrowTooLarge(length, maxPayload);
        }

        if (buffer.Length < FrameHeader.Size)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(head);
        var type = (FrameType)head[4];
        var flags = (FrameFlags)head[5];
        if (flags != FrameFlags.None)
        {
            ProtocolViolationException.Throw(ErrorCode.MalformedFrame, $"unknown flags 0x{head[5]:X2}");
        }

        if (head[6] != 0 || head[7] != 0)
        {
            ProtocolViolationException.Throw(ErrorCode.MalformedFrame, "reserved header bytes are not zero");
        }

        if (!MessageCodec.IsKnown(type))
        {
            ProtocolViolationException.Throw(ErrorCode.UnknownFrameType, $"unknown frame type 0x{head[4]:X2}");
        }

        long total = FrameHeader.Size + (long)length;
        if (buffer.Length < total)
        {
            return false;
        }

        var header = new FrameHeader(length, type, flags, BinaryPrimitives.ReadUInt32BigEndian(head[8..]));
        frame = new Frame(header, buffer.Slice(FrameHeader.Size, length));
        buffer = buffer.Slice(total);
        return true;
    }

    private static uint ReadUInt32(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= 4)
        {
            return BinaryPrimitives.ReadUInt32BigEndian(first);
        }

        Span<byte> four = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(four);
        return BinaryPrimitives.ReadUInt32BigEndian(four);
    }

    private static void ThrowTooLarge(uint length, int maxPayload) =>
        ProtocolViolationException.Throw(ErrorCode.FrameTooLarge, $"frame payload of {length} bytes exceeds the maximum of {maxPayload}");
}
