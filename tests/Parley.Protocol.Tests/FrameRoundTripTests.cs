using System.Buffers;
using Parley.Protocol.Tests.Support;

namespace Parley.Protocol.Tests;

/// <summary>Every frame type written with <see cref="FrameWriter"/> reads back unchanged, however the bytes arrive.</summary>
public class FrameRoundTripTests
{
    public static TheoryData<FrameType> Types => SampleFrames.Types;

    [Theory]
    [MemberData(nameof(Types))]
    public void Frame_read_from_one_buffer_round_trips(FrameType type)
    {
        DecodedFrame sent = SampleFrames.For(type);
        var buffer = new ReadOnlySequence<byte>(Wire.Write(sent));

        Assert.True(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame));

        Assert.Equal(sent, Wire.Decode(frame));
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Frame_read_from_one_byte_per_segment_round_trips(FrameType type)
    {
        DecodedFrame sent = SampleFrames.For(type);
        ReadOnlySequence<byte> buffer = Segments.OneBytePerSegment(Wire.Write(sent));

        Assert.True(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame));

        Assert.Equal(sent, Wire.Decode(frame));
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Frame_split_at_every_offset_into_two_segments_round_trips(FrameType type)
    {
        DecodedFrame sent = SampleFrames.For(type);
        byte[] bytes = Wire.Write(sent);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            ReadOnlySequence<byte> buffer = Segments.Split(bytes, [cut]);

            Assert.True(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame), $"cut at {cut}");

            Assert.Equal(sent, Wire.Decode(frame));
            Assert.Equal(0, buffer.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Frame_fed_byte_by_byte_is_read_only_when_complete(FrameType type)
    {
        DecodedFrame sent = SampleFrames.For(type);
        byte[] bytes = Wire.Write(sent);
        for (int have = 0; have < bytes.Length; have++)
        {
            var prefix = new ReadOnlySequence<byte>(bytes, 0, have);

            Assert.False(FrameReader.TryRead(ref prefix, Wire.Max, out _), $"{have} of {bytes.Length} bytes");
            Assert.Equal(have, prefix.Length);
        }

        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.True(FrameReader.TryRead(ref whole, Wire.Max, out Frame frame));
        Assert.Equal(sent, Wire.Decode(frame));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Two_frames_in_one_buffer_are_both_read(FrameType type)
    {
        DecodedFrame first = SampleFrames.For(type);
        DecodedFrame second = SampleFrames.For(FrameType.Ping);
        var buffer = new ReadOnlySequence<byte>(Wire.Write(first, second));

        List<DecodedFrame> read = Wire.ReadAll(ref buffer);

        Assert.Equal([first, second], read);
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Frame_followed_by_a_partial_one_reads_the_first_and_keeps_the_rest(FrameType type)
    {
        DecodedFrame first = SampleFrames.For(type);
        byte[] next = Wire.Write(SampleFrames.For(FrameType.Delivered));
        byte[] firstBytes = Wire.Write(first);
        foreach (int partial in new[] { 1, 3, 4, 11, 12, next.Length - 1 })
        {
            byte[] bytes = [.. firstBytes, .. next.AsSpan(0, partial)];
            var buffer = new ReadOnlySequence<byte>(bytes);

            List<DecodedFrame> read = Wire.ReadAll(ref buffer);

            Assert.Equal([first], read);
            Assert.Equal(partial, buffer.Length);
            Assert.Equal(next.AsSpan(0, partial).ToArray(), buffer.ToArray());
        }
    }

    [Fact]
    public void Payload_points_into_the_input_without_copying()
    {
        byte[] bytes = Wire.Write(SampleFrames.For(FrameType.Say));
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame));

        Assert.True(frame.Payload.IsSingleSegment);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Payload.First, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(FrameHeader.Size, segment.Offset);
    }

    [Fact]
    public void Empty_message_is_a_header_with_zero_length()
    {
        byte[] bytes = Wire.Write(FrameType.ListRooms, 7, new Messages.ListRooms());

        Assert.Equal("000000000600000000000007", Wire.Hex(bytes));
        Assert.Equal([new DecodedFrame(FrameType.ListRooms, 7, new Messages.ListRooms())], Wire.ReadAll(bytes));
    }

    [Fact]
    public void Header_fields_are_read_back_as_written()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Write(FrameType.Ping, 0xFFFFFFFF, new Messages.Ping { Nonce = 1 }));

        Assert.True(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame));

        Assert.Equal(new FrameHeader(2, FrameType.Ping, FrameFlags.None, 0xFFFFFFFF), frame.Header);
        Assert.Equal(FrameType.Ping, frame.Type);
        Assert.Equal(0xFFFFFFFFu, frame.RequestId);
    }
}
