using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using Google.Protobuf;
using Parley.Protocol.Messages;

namespace Parley.Protocol;

/// <summary>Maps frame types to their protobuf payloads, and back.</summary>
public static class MessageCodec
{
    private static readonly FrozenDictionary<FrameType, MessageParser> Parsers = new Dictionary<FrameType, MessageParser>
    {
        [FrameType.Hello] = Hello.Parser,
        [FrameType.Ping] = Ping.Parser,
        [FrameType.SetNick] = SetNick.Parser,
        [FrameType.Join] = Join.Parser,
        [FrameType.Part] = Part.Parser,
        [FrameType.ListRooms] = ListRooms.Parser,
        [FrameType.Names] = Names.Parser,
        [FrameType.Say] = Say.Parser,
        [FrameType.Whisper] = Whisper.Parser,
        [FrameType.SetTopic] = SetTopic.Parser,
        [FrameType.Goodbye] = Goodbye.Parser,
        [FrameType.History] = History.Parser,
        [FrameType.MarkRead] = MarkRead.Parser,
        [FrameType.ChangePassword] = ChangePassword.Parser,
        [FrameType.RevokeResumeToken] = RevokeResumeToken.Parser,
        [FrameType.Kick] = Kick.Parser,
        [FrameType.Ban] = Ban.Parser,
        [FrameType.Unban] = Unban.Parser,
        [FrameType.ListBans] = ListBans.Parser,
        [FrameType.Mute] = Mute.Parser,
        [FrameType.SetRole] = SetRole.Parser,
        [FrameType.SetRoomMode] = SetRoomMode.Parser,
        [FrameType.Invite] = Invite.Parser,
        [FrameType.SetAway] = SetAway.Parser,
        [FrameType.Whois] = Whois.Parser,
        [FrameType.Error] = Error.Parser,
        [FrameType.Welcome] = Welcome.Parser,
        [FrameType.Pong] = Pong.Parser,
        [FrameType.Ok] = Ok.Parser,
        [FrameType.Joined] = Joined.Parser,
        [FrameType.RoomList] = RoomList.Parser,
        [FrameType.Members] = Members.Parser,
        [FrameType.Sent] = Sent.Parser,
        [FrameType.HistoryPage] = HistoryPage.Parser,
        [FrameType.BanList] = BanList.Parser,
        [FrameType.WhoisInfo] = WhoisInfo.Parser,
        [FrameType.Delivered] = Delivered.Parser,
        [FrameType.DirectDelivered] = DirectDelivered.Parser,
        [FrameType.Presence] = Presence.Parser,
        [FrameType.TopicChanged] = TopicChanged.Parser,
        [FrameType.RoomModeChanged] = RoomModeChanged.Parser,
        [FrameType.MemberChanged] = MemberChanged.Parser,
        [FrameType.Invited] = Invited.Parser,
        [FrameType.ReadMarkerChanged] = ReadMarkerChanged.Parser,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<Type, FrameType> Types =
        Parsers.ToFrozenDictionary(p => p.Value.GetType().GetGenericArguments()[0], p => p.Key);

    /// <summary>Whether v1 defines <paramref name="type"/>.</summary>
    public static bool IsKnown(FrameType type) => Parsers.ContainsKey(type);

    /// <summary>The frame type that carries messages of type <typeparamref name="T"/>.</summary>
    public static FrameType TypeOf<T>() where T : IMessage<T> => Types[typeof(T)];

    /// <summary>The frame type that carries <paramref name="message"/>.</summary>
    public static FrameType TypeOf(IMessage message) => Types[message.GetType()];

    /// <summary>
    /// Decodes a frame's payload into an owned message (safe to keep after the reader advances).
    /// </summary>
    /// <exception cref="ProtocolViolationException">The payload is not a valid message of the frame's
    /// type, or a string in it is not valid UTF-8.</exception>
    public static IMessage Decode(in Frame frame)
    {
        if (!Parsers.TryGetValue(frame.Type, out MessageParser? parser))
        {
            // Only a Frame built by hand gets here: FrameReader refuses unknown types itself.
            throw new ProtocolViolationException(ErrorCode.UnknownFrameType, $"unknown frame type 0x{(byte)frame.Type:X2}");
        }

        try
        {
            return parser.ParseFrom(frame.Payload);
        }
        catch (InvalidProtocolBufferException ex) when (ex.InnerException is DecoderFallbackException)
        {
            throw new ProtocolViolationException(ErrorCode.InvalidUtf8, $"a string in the {frame.Type} payload is not valid UTF-8", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProtocolViolationException(ErrorCode.InvalidUtf8, $"a string in the {frame.Type} payload is not valid UTF-8", ex);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ProtocolViolationException(ErrorCode.MalformedFrame, $"the {frame.Type} payload is not a valid message: {ex.Message}", ex);
        }
    }
}
