using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;
using Parley.Server.Storage;

namespace Parley.Server.Chat;

/// <summary>
/// A session's message on its way through the group commit: once stored it is acknowledged, then
/// (unless it was a retry of a message already stored) delivered; if refused, the sender is told.
/// </summary>
internal abstract class PendingSessionMessage(Session sender, uint requestId, MessageToStore record) : PendingAppend(record)
{
    protected Session Sender => sender;

    public sealed override void Stored(StoredMessage message)
    {
        sender.Connection.Send(FrameWriter.Encode(FrameType.Sent, requestId, WireMessages.ToSent(message)));
        // A retried send of a message already stored is acknowledged again, never delivered twice.
        if (!message.Duplicate)
        {
            Deliver(message);
        }

        sender.CommitDone();
    }

    public sealed override void Failed(string reason)
    {
        sender.Connection.Send(ClientConnection.ErrorFrame(ErrorCode.StoreUnavailable, $"the message was not stored: {reason}", requestId));
        sender.CommitDone();
    }

    protected abstract void Deliver(StoredMessage message);
}

/// <summary>A room message on its way through the group commit.</summary>
internal sealed class PendingRoomMessage(Session sender, uint requestId, MessageToStore record, Hub hub)
    : PendingSessionMessage(sender, requestId, record)
{
    // The room is looked up now, not at send time: if it emptied and was made anew meanwhile, the
    // new one's members are the ones to tell.
    protected override void Deliver(StoredMessage message) => hub.FindRoom(message.Conversation)?.Deliver(message);
}

/// <summary>A direct message on its way through the group commit.</summary>
/// <remarks>Delivered to the recipient's sessions (none when an account is offline: it finds the message in its
/// Welcome.unread) and to the sender's, each once even when the two overlap (a note to oneself).</remarks>
internal sealed class PendingDirectMessage(Session sender, uint requestId, MessageToStore record, Func<IEnumerable<Session>> recipients)
    : PendingSessionMessage(sender, requestId, record)
{
    protected override void Deliver(StoredMessage message)
    {
        byte[] frame = FrameWriter.Encode(FrameType.DirectDelivered, 0, WireMessages.ToDirectDelivered(message));
        var told = new HashSet<Session>();
        foreach (Session session in recipients().Concat(Sender.OwnSessions).Append(Sender))
        {
            if (told.Add(session))
            {
                session.Connection.Send(frame);
            }
        }
    }
}
