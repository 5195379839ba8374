using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

public sealed partial class ParleyConnection
{
    private long _lastReceived;
    private int _maxReceivePayload = ProtocolConstants.DefaultMaxFramePayload;
    private uint _helloRequestId;
    private volatile string _readStatus = "starting";

    private async Task ReadLoopAsync()
    {
        Exception? fault = null;
        try
        {
            await ReadFramesAsync().ConfigureAwait(false);
        }
        catch (ProtocolViolationException ex)
        {
            ClientLog.ProtocolViolation(_logger, ConnectionId, ex);
            if (TryRecordReason(new DisconnectInfo(QuitReason.ProtocolError, ex.Message, ex.Code)))
            {
                // Tell the server why we hang up, so its log shows it.
                TryEnqueue(FrameType.Goodbye, 0, new Goodbye { Reason = QuitReason.ProtocolError, Message = ex.Message });
            }

            fault = ex;
        }
        catch (Exception ex) when (IsTransportError(ex))
        {
            ClientLog.TransportClosed(_logger, ConnectionId, _readStatus, ex);
            TryRecordReason(DisconnectInfo.ConnectionLost(ex.Message));
        }
        catch (Exception ex)
        {
            ClientLog.UnexpectedFailure(_logger, ConnectionId, _readStatus, ex);
            TryRecordReason(DisconnectInfo.ConnectionLost(ex.Message));
            fault = ex;
        }

        _readStatus = "closed";
        await _transport.Input.CompleteAsync(fault).ConfigureAwait(false);
        await FinishAsync().ConfigureAwait(false);
    }

    private async Task ReadFramesAsync()
    {
        PipeReader input = _transport.Input;
        while (true)
        {
            _readStatus = "waiting for data";
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled)
            {
                // Abort() or the close timeout: stop reading, whatever is buffered.
                return;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
            }

            try
            {
                _readStatus = "parsing";
                while (FrameReader.TryRead(ref buffer, Volatile.Read(ref _maxReceivePayload), out Frame frame))
                {
                    // Decode into an owned message now: the payload's memory is released by AdvanceTo below.
                    IMessage message = MessageCodec.Decode(frame);
                    Dispatch(frame.Header, message);
                }

                // Checked after parsing, never instead of it: the last read can hold whole frames and the end.
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new IOException($"the connection closed in the middle of a frame ({buffer.Length} bytes left)");
                    }

                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private void Dispatch(in FrameHeader header, IMessage message)
    {
        switch (message)
        {
            case Delivered delivered:
                Publish(new RoomMessageEvent(delivered));
                return;
            case DirectDelivered direct:
                Publish(new DirectMessageEvent(direct));
                return;
            case Presence presence:
                Publish(new PresenceEvent(presence));
                return;
            case TopicChanged topic:
                Publish(new TopicChangedEvent(topic));
                return;
            case RoomModeChanged modes:
                Publish(new RoomModeChangedEvent(modes));
                return;
            case MemberChanged member:
                Publish(new MemberChangedEvent(member));
                return;
            case Invited invited:
                Publish(new InvitedEvent(invited));
                return;
            case ReadMarkerChanged marker:
                Publish(new ReadMarkerEvent(marker));
                return;
            case Ping ping:
                // Answered here, not by a consumer, so that no backlog of events can delay it past the
                // server's idle timeout.
                TryEnqueue(FrameType.Pong, header.RequestId, new Pong { Nonce = ping.Nonce });
                return;
            case Goodbye goodbye:
                // The server hangs up next; remember why.
                TryRecordReason(DisconnectInfo.FromGoodbye(goodbye));
                HangUp();
                return;
            case Error error when header.RequestId == 0:
                TryRecordReason(DisconnectInfo.FromError(error));
                CompleteHandshakeIfPending(header.Type, message);
                HangUp();
                return;
            case Welcome welcome:
                if (welcome.Limits is { MaxFramePayload: > 0 } limits)
                {
                    Volatile.Write(ref _maxReceivePayload, Math.Max(ProtocolConstants.DefaultMaxFramePayload, (int)Math.Min(limits.MaxFramePayload, int.MaxValue)));
                }

                if (header.RequestId == 0)
                {
                    CompleteHandshakeIfPending(header.Type, message);
                    return;
                }

                break;
        }

        if (header.Type >= FrameType.Error && header.Type < FrameType.Delivered)
        {
            CompleteRequest(header.RequestId, header.Type, message);
            return;
        }

        throw new ProtocolViolationException(ErrorCode.UnknownFrameType, $"the server sent {header.Type}, a frame only clients send");
    }

    private void Publish(ParleyEvent e) => _events.Writer.TryWrite(e);

    private void CompleteHandshakeIfPending(FrameType type, IMessage message)
    {
        uint hello = Volatile.Read(ref _helloRequestId);
        if (hello != 0)
        {
            CompleteRequest(hello, type, message);
        }
    }

    private void CompleteRequest(uint requestId, FrameType type, IMessage reply)
    {
        if (!_pending.TryGetValue(requestId, out PendingRequest? pending))
        {
            ClientLog.LateReply(_logger, ConnectionId, type, requestId);
            return;
        }

        if (reply is Error error)
        {
            pending.TrySetException(ParleyRequestException.FromReply(error));
        }
        else if (type == pending.ReplyType)
        {
            pending.TrySetResult(reply);
        }
        else
        {
            throw new ProtocolViolationException(
                ErrorCode.MalformedFrame, $"request {requestId} expects {pending.ReplyType}, but the server answered {type}");
        }
    }

    /// <summary>A request waiting for its reply; continuations never run on the read loop.</summary>
    private sealed class PendingRequest(FrameType replyType) : TaskCompletionSource<IMessage>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public FrameType ReplyType { get; } = replyType;
    }
}
