using System.Buffers;
using Google.Protobuf;

namespace Parley.Protocol;

/// <summary>Writes frames: header plus protobuf payload.</summary>
public static class FrameWriter
{
    /// <summary>Writes one frame to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, FrameType type, uint requestId, IMessage payload)
    {
        int length = payload.CalculateSize();
        Span<byte> head = output.GetSpan(FrameHeader.Size);
        new FrameHeader((uint)length, type, FrameFlags.None, requestId).WriteTo(head);
        output.Advance(FrameHeader.Size);
        if (length > 0)
        {
            // GetSpan may return more than asked; WriteTo(IBufferWriter) asks for exactly what it needs.
            payload.WriteTo(output);
        }
    }

    /// <summary>
    /// Encodes one frame into a new array: used where the same bytes go to many connections
    /// (room fan-out encodes a message once for every member).
    /// </summary>
    public static byte[] Encode(FrameType type, uint requestId, IMessage payload)
    {
        int length = payload.CalculateSize();
        var bytes = new byte[FrameHeader.Size + length];
        new FrameHeader((uint)length, type, FrameFlags.None, requestId).WriteTo(bytes);
        if (length > 0)
        {
            payload.WriteTo(bytes.AsSpan(FrameHeader.Size));
        }

        return bytes;
    }
}
