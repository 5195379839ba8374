using System.Buffers;
using Google.Protobuf;

namespace Parley.Protocol.Tests.Support;

/// <summary>Writes frames with the real writer and reads them back with the real reader.</summary>
public static class Wire
{
    public const int Max = ProtocolConstants.DefaultMaxFramePayload;

    public static byte[] Write(params IEnumerable<DecodedFrame> frames)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (DecodedFrame f in frames)
        {
            FrameWriter.Write(output, f.Type, f.RequestId, f.Message);
        }

        return output.WrittenSpan.ToArray();
    }

    public static byte[] Write(FrameType type, uint requestId, IMessage message) =>
        Write(new DecodedFrame(type, requestId, message));

    /// <summary>Reads and decodes every whole frame at the front of <paramref name="buffer"/>, leaving the rest in it.</summary>
    public static List<DecodedFrame> ReadAll(ref ReadOnlySequence<byte> buffer, int maxPayload = Max)
    {
        var frames = new List<DecodedFrame>();
        while (FrameReader.TryRead(ref buffer, maxPayload, out Frame frame))
        {
            frames.Add(Decode(frame));
        }

        return frames;
    }

    public static List<DecodedFrame> ReadAll(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        List<DecodedFrame> frames = ReadAll(ref buffer);
        Assert.Equal(0, buffer.Length);
        return frames;
    }

    public static DecodedFrame Decode(in Frame frame) => new(frame.Type, frame.RequestId, MessageCodec.Decode(frame));

    /// <summary>A raw header, for frames the writer would never produce.</summary>
    public static byte[] Header(uint length, byte type, byte flags = 0, byte reserved6 = 0, byte reserved7 = 0, uint requestId = 0)
    {
        var bytes = new byte[FrameHeader.Size];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        bytes[4] = type;
        bytes[5] = flags;
        bytes[6] = reserved6;
        bytes[7] = reserved7;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), requestId);
        return bytes;
    }

    /// <summary>Reads one frame from raw bytes, expecting the reader to throw.</summary>
    public static ProtocolViolationException ReadThrows(byte[] bytes, int maxPayload = Max)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        return Assert.Throws<ProtocolViolationException>(() =>
        {
            ReadOnlySequence<byte> b = buffer;
            FrameReader.TryRead(ref b, maxPayload, out _);
        });
    }

    /// <summary>A single frame's header followed by an arbitrary payload, then decodes it, expecting a throw.</summary>
    public static ProtocolViolationException DecodeThrows(FrameType type, ReadOnlySequence<byte> payload)
    {
        var frame = new Frame(new FrameHeader((uint)payload.Length, type, FrameFlags.None, 1), payload);
        return Assert.Throws<ProtocolViolationException>(() => MessageCodec.Decode(frame));
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
