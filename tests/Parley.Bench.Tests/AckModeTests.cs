using Parley.Bench.Modes;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Bench.Tests;

/// <summary>The ack mode's pieces without a server: reading a Sent reply, comparing the stored count.</summary>
public class AckModeTests
{
    [Fact]
    public void The_scan_reads_the_client_message_id_of_a_Sent_the_codec_wrote()
    {
        var sent = new Sent { MessageId = 77, Seq = 123_456, TimestampMs = 1_790_000_000_000, ClientMsgId = "00000000000f4240" };
        byte[] frame = FrameWriter.Encode(FrameType.Sent, 9, sent);

        Assert.True(SentScan.TryReadClientMsgId(frame.AsSpan(FrameHeader.Size), out ulong id));
        Assert.Equal(1_000_000UL, id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-our-id")]
    [InlineData("00000000000F4240")]
    public void A_Sent_without_an_id_the_bench_wrote_is_not_read(string clientMsgId)
    {
        byte[] frame = FrameWriter.Encode(FrameType.Sent, 9, new Sent { Seq = 1, ClientMsgId = clientMsgId });

        Assert.False(SentScan.TryReadClientMsgId(frame.AsSpan(FrameHeader.Size), out _));
    }

    [Fact]
    public void A_truncated_Sent_is_refused_and_unknown_fields_are_skipped()
    {
        byte[] payload = FrameWriter.Encode(FrameType.Sent, 9, new Sent { Seq = 3, ClientMsgId = "0000000000000003" })[FrameHeader.Size..];
        Assert.False(SentScan.TryReadClientMsgId(payload.AsSpan(0, payload.Length - 1), out _));

        // Field 20 as fixed64 and field 21 as fixed32 first: a newer server may add fields.
        byte[] extended = [0xA1, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0xAD, 0x01, 1, 2, 3, 4, .. payload];
        Assert.True(SentScan.TryReadClientMsgId(extended, out ulong id));
        Assert.Equal(3UL, id);
    }

    [Fact]
    public void The_stored_count_must_equal_the_acknowledged_count_and_the_newest_row_must_exist()
    {
        HistoryPage Page(ulong lastSeq, params ulong[] seqs)
        {
            var page = new HistoryPage { Conversation = "#r", LastSeq = lastSeq };
            page.Messages.AddRange(seqs.Select(s => new Delivered { Room = "#r", Seq = s }));
            return page;
        }

        Assert.Null(StoredCheck.Compare("#r", 500, Page(500, 500)));
        Assert.Null(StoredCheck.Compare("#r", 0, Page(0)));
        Assert.Contains("last sequence number is 499", StoredCheck.Compare("#r", 500, Page(499, 499)), StringComparison.Ordinal);
        Assert.Contains("last sequence number is 501", StoredCheck.Compare("#r", 500, Page(501, 501)), StringComparison.Ordinal);
        Assert.Contains("newest row is missing", StoredCheck.Compare("#r", 500, Page(500)), StringComparison.Ordinal);
        Assert.Contains("newest row is seq 498", StoredCheck.Compare("#r", 500, Page(500, 498)), StringComparison.Ordinal);
    }
}
