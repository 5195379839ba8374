using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>Stored messages as the wire carries them: the one place their fields are mapped.</summary>
internal static class WireMessages
{
    public static Delivered ToDelivered(StoredMessage m, string room) => new()
    {
        Room = room, From = m.SenderNick, Text = m.Text, MessageId = m.MessageId, Seq = m.Seq,
        TimestampMs = m.TimestampMs, ClientMsgId = m.ClientMsgId, Action = m.Action,
    };

    public static DirectDelivered ToDirectDelivered(StoredMessage m) => new()
    {
        From = m.SenderNick, To = m.Recipient, Text = m.Text, MessageId = m.MessageId, Seq = m.Seq,
        TimestampMs = m.TimestampMs, ClientMsgId = m.ClientMsgId, Action = m.Action,
    };

    public static Sent ToSent(StoredMessage m) => new()
    {
        MessageId = m.MessageId, Seq = m.Seq, TimestampMs = m.TimestampMs, ClientMsgId = m.ClientMsgId,
    };
}
