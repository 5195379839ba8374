using System.Buffers;
using Parley.Protocol.Messages;
using Parley.Protocol.Tests.Support;

namespace Parley.Protocol.Tests;

/// <summary>Hostile and malformed headers are refused as early as the bytes allow.</summary>
public class FrameHeaderValidationTests
{
    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData((uint)ProtocolConstants.DefaultMaxFramePayload + 1)]
    public void Oversized_length_is_rejected_from_its_four_bytes_alone(uint length)
    {
        byte[] four = Wire.Header(length, (byte)FrameType.Say)[..4];

        ProtocolViolationException ex = Wire.ReadThrows(four);

        Assert.Equal(ErrorCode.FrameTooLarge, ex.Code);
    }

    [Fact]
    public void Frame_with_negative_length_is_rejected()
    {
        // 0x80000000 is int.MinValue to a reader that reads the length as a signed int.
        ProtocolViolationException ex = Wire.ReadThrows([0x80, 0x00, 0x00, 0x00]);

        Assert.Equal(ErrorCode.FrameTooLarge, ex.Code);
    }

    [Fact]
    public void Oversized_length_split_across_segments_is_rejected()
    {
        ReadOnlySequence<byte> buffer = Segments.OneBytePerSegment([0xFF, 0xFF, 0xFF, 0xFF]);

        var ex = Assert.Throws<ProtocolViolationException>(() => FrameReader.TryRead(ref buffer, Wire.Max, out _));

        Assert.Equal(ErrorCode.FrameTooLarge, ex.Code);
    }

    [Fact]
    public void Fewer_than_four_bytes_of_a_hostile_length_wait_for_more()
    {
        var buffer = new ReadOnlySequence<byte>([0xFF, 0xFF, 0xFF]);

        Assert.False(FrameReader.TryRead(ref buffer, Wire.Max, out _));
    }

    [Fact]
    public void Length_equal_to_the_maximum_is_accepted()
    {
        var say = new Say { Room = "#r", Text = new string('x', 100) };
        byte[] bytes = Wire.Write(FrameType.Say, 1, say);
        int max = bytes.Length - FrameHeader.Size;
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameReader.TryRead(ref buffer, max, out Frame frame));
        Assert.Equal(say, MessageCodec.Decode(frame));
    }

    [Fact]
    public void Length_one_above_a_negotiated_maximum_is_rejected()
    {
        byte[] bytes = Wire.Write(FrameType.Say, 1, new Say { Room = "#r", Text = new string('x', 100) });
        int max = bytes.Length - FrameHeader.Size - 1;

        ProtocolViolationException ex = Wire.ReadThrows(bytes, max);

        Assert.Equal(ErrorCode.FrameTooLarge, ex.Code);
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Frame_with_non_zero_flags_is_rejected(byte flags)
    {
        ProtocolViolationException ex = Wire.ReadThrows(Wire.Header(0, (byte)FrameType.ListRooms, flags: flags));

        Assert.Equal(ErrorCode.MalformedFrame, ex.Code);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(0xFF, 0xFF)]
    public void Frame_with_non_zero_reserved_bytes_is_rejected(byte reserved6, byte reserved7)
    {
        ProtocolViolationException ex = Wire.ReadThrows(Wire.Header(0, (byte)FrameType.ListRooms, reserved6: reserved6, reserved7: reserved7));

        Assert.Equal(ErrorCode.MalformedFrame, ex.Code);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x3F)]
    [InlineData(0x40)]
    [InlineData(0x7F)]
    [InlineData(0xBF)]
    [InlineData(0xFF)]
    public void Frame_of_unknown_type_is_rejected(byte type)
    {
        ProtocolViolationException ex = Wire.ReadThrows(Wire.Header(0, type, requestId: 1));

        Assert.Equal(ErrorCode.UnknownFrameType, ex.Code);
    }

    [Fact]
    public void Every_type_byte_just_past_a_defined_range_is_rejected()
    {
        // The next free value after the last request, reply and event: the ones a newer peer would use first.
        foreach (byte start in new byte[] { 0x01, 0x80, 0xC0 })
        {
            byte next = start;
            while (MessageCodec.IsKnown((FrameType)next))
            {
                next++;
            }

            Assert.Equal(ErrorCode.UnknownFrameType, Wire.ReadThrows(Wire.Header(0, next, requestId: 1)).Code);
        }
    }

    [Fact]
    public void Bad_header_is_rejected_before_its_payload_arrives()
    {
        // Twelve header bytes announcing 1000 payload bytes, none of them here yet.
        ProtocolViolationException ex = Wire.ReadThrows(Wire.Header(1000, 0x7F, requestId: 1));

        Assert.Equal(ErrorCode.UnknownFrameType, ex.Code);
    }

    [Fact]
    public void Every_defined_frame_type_is_known_and_nothing_else_is()
    {
        var defined = Enum.GetValues<FrameType>().ToHashSet();
        for (int b = 0; b <= 0xFF; b++)
        {
            Assert.Equal(defined.Contains((FrameType)b), MessageCodec.IsKnown((FrameType)b));
        }
    }

    [Fact]
    public void Truncated_payload_waits_for_more_and_leaves_the_buffer_untouched()
    {
        byte[] bytes = Wire.Write(SampleFrames.For(FrameType.Delivered));
        var buffer = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);

        Assert.False(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame));

        Assert.Equal(bytes.Length - 1, buffer.Length);
        Assert.Equal(0, frame.Payload.Length);
    }

    [Fact]
    public void Truncated_header_waits_for_more()
    {
        byte[] bytes = Wire.Header(0, (byte)FrameType.ListRooms);
        var buffer = new ReadOnlySequence<byte>(bytes, 0, FrameHeader.Size - 1);

        Assert.False(FrameReader.TryRead(ref buffer, Wire.Max, out _));
        Assert.Equal(FrameHeader.Size - 1, buffer.Length);
    }

    [Fact]
    public void Negative_maximum_is_refused_rather_than_read_as_no_limit()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Header(0xFFFFFFFF, (byte)FrameType.Say));

        Assert.Throws<ArgumentOutOfRangeException>(() => FrameReader.TryRead(ref buffer, -1, out _));
    }

    [Fact]
    public void Decoding_a_hand_made_frame_of_unknown_type_is_a_protocol_violation()
    {
        var frame = new Frame(new FrameHeader(0, (FrameType)0x7F, FrameFlags.None, 1), ReadOnlySequence<byte>.Empty);

        var ex = Assert.Throws<ProtocolViolationException>(() => MessageCodec.Decode(frame));

        Assert.Equal(ErrorCode.UnknownFrameType, ex.Code);
    }
}
