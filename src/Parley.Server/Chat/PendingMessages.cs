using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>A room message on its way through the group commit.</summary>
internal sealed class PendingRoomMessage(Session sender, uint requestId, MessageToStore record, Hub hub) : PendingAppend(record)
{
    public override void Stored(StoredMessage message)
    {
        sender.Connection.Send(FrameWriter.Encode(FrameType.Sent, requestId, new Sent
        {
            MessageId = message.MessageId, Seq = message.Seq, TimestampMs = message.TimestampMs, ClientMsgId = message.ClientMsgId,
        }));

        // A retried send of a message already stored is acknowledged again, never delivered twice.
        // The room is looked up now, not at send time: if it emptied and was made anew meanwhile,
        // the new one's members are the ones to tell.
        if (!message.Duplicate)
        {
            hub.FindRoom(message.Conversation)?.Deliver(message);
        }

        sender.CommitDone();
    }

    public override void Failed(string reason)
    {
        sender.Connection.Send(FrameWriter.Encode(FrameType.Error, requestId, new Error
        {
            Code = ErrorCode.StoreUnavailable, Message = $"the message was not stored: {reason}",
        }));
        sender.CommitDone();
    }
}

/// <summary>A direct message on its way through the group commit.</summary>
internal sealed class PendingDirectMessage(Session sender, uint requestId, MessageToStore record, Session recipient) : PendingAppend(record)
{
    public override void Stored(StoredMessage message)
    {
        sender.Connection.Send(FrameWriter.Encode(FrameType.Sent, requestId, new Sent
        {
            MessageId = message.MessageId, Seq = message.Seq, TimestampMs = message.TimestampMs, ClientMsgId = message.ClientMsgId,
        }));
        if (!message.Duplicate)
        {
            byte[] frame = FrameWriter.Encode(FrameType.DirectDelivered, 0, Session.ToDirectDelivered(message));
            recipient.Connection.Send(frame);
            if (recipient != sender)
            {
                sender.Connection.Send(frame);
            }
        }

        sender.CommitDone();
    }

    public override void Failed(string reason)
    {
        sender.Connection.Send(FrameWriter.Encode(FrameType.Error, requestId, new Error
        {
            Code = ErrorCode.StoreUnavailable, Message = $"the message was not stored: {reason}",
        }));
        sender.CommitDone();
    }
}
