using System.Buffers;
using Parley.Bench.Wire;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Bench.Tests;

public class WireTests
{
    [Fact]
    public void The_scan_reads_seq_and_text_of_a_Delivered_the_codec_wrote()
    {
        var delivered = new Delivered
        {
            Room = "#general", From = "alice", Text = "00000000000004d2 and the rest", MessageId = 99, Seq = 123_456_789_012,
            TimestampMs = 1_790_000_000_000, ClientMsgId = "abc", Action = true,
        };
        byte[] frame = FrameWriter.Encode(FrameType.Delivered, 0, delivered);

        Assert.True(DeliveredScan.TryRead(frame.AsSpan(FrameHeader.Size), out ulong seq, out ReadOnlySpan<byte> text));
        Assert.Equal(123_456_789_012UL, seq);
        Assert.Equal("00000000000004d2 and the rest"u8.ToArray(), text.ToArray());
        Assert.True(Hex.TryParse(text[..16], out ulong stamp));
        Assert.Equal(1234UL, stamp);
    }

    [Fact]
    public void The_scan_skips_fields_it_does_not_know()
    {
        // Field 20 (varint) and field 21 (fixed64) before the known ones: a newer server may add fields.
        byte[] payload = [0xA0, 0x01, 0x05, 0xA9, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x28, 0x07, 0x1A, 0x01, (byte)'x'];
        Assert.True(DeliveredScan.TryRead(payload, out ulong seq, out ReadOnlySpan<byte> text));
        Assert.Equal(7UL, seq);
        Assert.Equal("x"u8.ToArray(), text.ToArray());
    }

    [Fact]
    public void A_truncated_payload_is_refused()
    {
        byte[] frame = FrameWriter.Encode(FrameType.Delivered, 0, new Delivered { Room = "#r", Text = "hello", Seq = 5 });
        for (int cut = 1; cut < frame.Length - FrameHeader.Size; cut++)
        {
            ReadOnlySpan<byte> payload = frame.AsSpan(FrameHeader.Size, frame.Length - FrameHeader.Size - cut);
            bool ok = DeliveredScan.TryRead(payload, out _, out ReadOnlySpan<byte> text);
            // Cutting exactly between fields leaves a valid, shorter message; anything else is refused.
            Assert.True(!ok || text.Length is 0 or 5);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(16384)]
    public void A_stamped_Say_decodes_with_its_stamps(int size)
    {
        var template = new SayTemplate("#bench", size);
        byte[] buffer = new byte[template.Length];
        template.WriteTo(buffer, requestId: 77, timestamp: 0x1234_5678_9abc, clientMsgId: 42);

        var sequence = new ReadOnlySequence<byte>(buffer);
        Assert.True(FrameReader.TryRead(ref sequence, ProtocolConstants.DefaultMaxFramePayload, out Frame frame));
        Assert.True(sequence.IsEmpty);
        Assert.Equal(77u, frame.RequestId);
        var say = Assert.IsType<Say>(MessageCodec.Decode(frame));
        Assert.Equal("#bench", say.Room);
        Assert.Equal(size, say.Text.Length);
        Assert.StartsWith("0000123456789abc", say.Text, StringComparison.Ordinal);
        Assert.Equal("000000000000002a", say.ClientMsgId);
    }

    [Fact]
    public async Task A_signal_set_before_the_wait_is_not_lost()
    {
        var signal = new AsyncSignal();
        signal.Set();
        signal.Set();
        await signal.WaitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        ValueTask second = signal.WaitAsync();
        Assert.False(second.IsCompleted);
        signal.Set();
        await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
