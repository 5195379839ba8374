using Parley.Protocol.Messages;

namespace Parley.Benchmarks.Frames;

/// <summary>The frame the server sends most: one room message, as fan-out encodes it.</summary>
internal static class SampleDelivered
{
    public static Delivered Create(int textLength) => new()
    {
        Room = "#general",
        From = "alice",
        Text = new string('x', textLength),
        MessageId = 1_234_567,
        Seq = 98_765,
        TimestampMs = 1_795_000_000_000,
        ClientMsgId = "01HZX3K5Q8W2",
    };
}
