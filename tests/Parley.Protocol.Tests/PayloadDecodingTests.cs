using System.Buffers;
using Google.Protobuf;
using Parley.Protocol.Messages;
using Parley.Protocol.Tests.Support;

namespace Parley.Protocol.Tests;

/// <summary>Payloads that are not valid messages of their frame's type are protocol violations with the right code.</summary>
public class PayloadDecodingTests
{
    public static TheoryData<string> MalformedPayloads => new(
        "0A05 61",          // string field 1 claims 5 bytes, 1 follows
        "0F",               // field 1 with wire type 7, which does not exist
        "00",               // tag 0 is never valid
        "08",               // a tag with no value after it
        "08FFFFFFFFFFFFFFFFFFFF01", // a varint longer than ten bytes
        "0AFFFFFFFF0F",     // a negative length
        "0B");              // field 1 as a start-group, never closed

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void Malformed_protobuf_payload_is_a_malformed_frame(string hex)
    {
        ProtocolViolationException ex = Wire.DecodeThrows(FrameType.Say, new ReadOnlySequence<byte>(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));

        Assert.Equal(ErrorCode.MalformedFrame, ex.Code);
    }

    public static TheoryData<string> InvalidUtf8 => new(
        "C328",     // a two-byte lead followed by ASCII
        "C0AF",     // an overlong '/'
        "EDA080",   // an encoded surrogate (U+D800)
        "E282",     // a sequence cut short
        "F4908080", // above U+10FFFF
        "FF",       // a byte that never occurs in UTF-8
        "80");      // a lone continuation byte

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void String_with_invalid_utf8_is_rejected_as_invalid_utf8(string badHex)
    {
        byte[] payload = StringField(2, [.. "ok "u8, .. Convert.FromHexString(badHex), .. " ok"u8]);

        ProtocolViolationException ex = Wire.DecodeThrows(FrameType.Say, new ReadOnlySequence<byte>(payload));

        Assert.Equal(ErrorCode.InvalidUtf8, ex.Code);
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_utf8_split_across_segments_is_rejected_as_invalid_utf8(string badHex)
    {
        byte[] payload = StringField(2, [.. "before "u8, .. Convert.FromHexString(badHex), .. " after"u8]);
        for (int cut = 0; cut <= payload.Length; cut++)
        {
            ProtocolViolationException ex = Wire.DecodeThrows(FrameType.Say, Segments.Split(payload, [cut]));

            Assert.Equal(ErrorCode.InvalidUtf8, ex.Code);
        }

        Assert.Equal(ErrorCode.InvalidUtf8, Wire.DecodeThrows(FrameType.Say, Segments.OneBytePerSegment(payload)).Code);
    }

    [Fact]
    public void Invalid_utf8_in_a_long_string_is_rejected_as_invalid_utf8()
    {
        byte[] text = [.. Enumerable.Repeat((byte)'a', 10_000), 0xC3, 0x28, .. Enumerable.Repeat((byte)'b', 10_000)];
        byte[] payload = StringField(2, text);

        Assert.Equal(ErrorCode.InvalidUtf8, Wire.DecodeThrows(FrameType.Say, new ReadOnlySequence<byte>(payload)).Code);
        Assert.Equal(ErrorCode.InvalidUtf8, Wire.DecodeThrows(FrameType.Say, Segments.Split(payload, [4096, 8192, 12288])).Code);
    }

    [Fact]
    public void Invalid_utf8_in_a_repeated_string_is_rejected_as_invalid_utf8()
    {
        byte[] payload = [.. StringField(1, "#r"u8), .. StringField(2, "alice"u8), .. StringField(2, [0x62, 0xFF])];

        Assert.Equal(ErrorCode.InvalidUtf8, Wire.DecodeThrows(FrameType.Members, new ReadOnlySequence<byte>(payload)).Code);
    }

    [Fact]
    public void Invalid_utf8_in_a_nested_message_is_rejected_as_invalid_utf8()
    {
        byte[] room = StringField(1, [0x23, 0xC0, 0x80]);
        byte[] payload = [0x0A, (byte)room.Length, .. room];

        Assert.Equal(ErrorCode.InvalidUtf8, Wire.DecodeThrows(FrameType.RoomList, new ReadOnlySequence<byte>(payload)).Code);
    }

    [Fact]
    public void Valid_utf8_of_every_length_decodes()
    {
        // One, two, three and four-byte sequences, including the edges of each range.
        const string text = "\u0000\u007F\u0080\u07FF\u0800\uFFFD\uFFFF\U00010000\U0010FFFF é€😀";
        byte[] payload = StringField(2, System.Text.Encoding.UTF8.GetBytes(text));

        var frame = new Frame(new FrameHeader((uint)payload.Length, FrameType.Say, FrameFlags.None, 1), Segments.OneBytePerSegment(payload));

        Assert.Equal(text, ((Say)MessageCodec.Decode(frame)).Text);
    }

    [Fact]
    public void Unknown_fields_are_skipped_so_newer_peers_can_add_fields()
    {
        byte[] payload = [.. new Say { Room = "#r", Text = "hi" }.ToByteArray(), 0xF8, 0x01, 0x05]; // field 31, varint 5

        var frame = new Frame(new FrameHeader((uint)payload.Length, FrameType.Say, FrameFlags.None, 1), new ReadOnlySequence<byte>(payload));

        var say = (Say)MessageCodec.Decode(frame);
        Assert.Equal("#r", say.Room);
        Assert.Equal("hi", say.Text);
    }

    [Fact]
    public void Decoded_message_stays_valid_after_the_buffer_is_reused()
    {
        byte[] bytes = Wire.Write(SampleFrames.For(FrameType.Delivered));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(FrameReader.TryRead(ref buffer, Wire.Max, out Frame frame));

        IMessage message = MessageCodec.Decode(frame);
        Array.Clear(bytes);

        Assert.Equal(SampleFrames.MessageFor(FrameType.Delivered), message);
    }

    [Theory]
    [MemberData(nameof(FrameRoundTripTests.Types), MemberType = typeof(FrameRoundTripTests))]
    public void Frame_type_and_message_type_map_both_ways(FrameType type)
    {
        IMessage message = SampleFrames.MessageFor(type);

        Assert.Equal(type, MessageCodec.TypeOf(message));
    }

    [Fact]
    public void Generic_type_lookup_matches_the_table()
    {
        Assert.Equal(FrameType.Say, MessageCodec.TypeOf<Say>());
        Assert.Equal(FrameType.Delivered, MessageCodec.TypeOf<Delivered>());
        Assert.Equal(FrameType.Error, MessageCodec.TypeOf<Error>());
    }

    private static byte[] StringField(int field, ReadOnlySpan<byte> utf8)
    {
        var stream = new MemoryStream();
        var coded = new CodedOutputStream(stream);
        coded.WriteTag(field, WireFormat.WireType.LengthDelimited);
        coded.WriteBytes(ByteString.CopyFrom(utf8));
        coded.Flush();
        return stream.ToArray();
    }
}
