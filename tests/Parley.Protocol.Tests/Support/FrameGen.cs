using CsCheck;
using Google.Protobuf;
using Parley.Protocol.Messages;

namespace Parley.Protocol.Tests.Support;

/// <summary>CsCheck generators for frames of every type with random contents.</summary>
public static class FrameGen
{
    /// <summary>Any Unicode scalar value (no lone surrogates: those cannot be encoded as UTF-8).</summary>
    private static readonly Gen<string> Scalar =
        Gen.Int[0, 0x10FFFF - 0x800].Select(i => char.ConvertFromUtf32(i >= 0xD800 ? i + 0x800 : i));

    /// <summary>Mostly short strings, some non-ASCII, a few long enough to straddle segment boundaries.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz #-_"], 0, 20]),
        (3, Scalar.Array[0, 20].Select(string.Concat)),
        (1, Gen.String[Gen.Char['\u0020', '\u07FF'], 200, 3000]));

    private static readonly Gen<string[]> Texts = Text.Array[0, 5];

    private static readonly Gen<uint> U32 = Gen.Frequency((1, Gen.Const(0u)), (3, Gen.UInt));
    private static readonly Gen<ulong> U64 = Gen.Frequency((1, Gen.Const(0UL)), (3, Gen.ULong));

    private static readonly Gen<ServerLimits> Limits =
        Gen.Select(U32, U32, U32, U64, U64, U32, U32, Gen.Double, (a, b, c, soft, hard, ping, idle, rate) => new ServerLimits
        {
            MaxFramePayload = a,
            MaxTextBytes = b,
            MaxNickLength = c,
            SendQueueSoftBytes = soft,
            SendQueueHardBytes = hard,
            PingIntervalMs = ping,
            IdleTimeoutMs = idle,
            RatePerSecond = rate,
        });

    private static readonly Gen<UnreadConversation> UnreadGen =
        Gen.Select(Text, U64, U64, U32, (p, last, read, n) => new UnreadConversation { Peer = p, LastSeq = last, ReadSeq = read, UnreadCount = n });

    private static readonly Gen<Delivered> DeliveredGen =
        Gen.Select(Text, Text, Text, U64, U64, Gen.Long, Text, Gen.Bool, (r, f, t, id, seq, ts, c, a) =>
            new Delivered { Room = r, From = f, Text = t, MessageId = id, Seq = seq, TimestampMs = ts, ClientMsgId = c, Action = a });

    private static readonly Gen<DirectDelivered> DirectDeliveredGen =
        Gen.Select(Text, Text, Text, U64, Gen.Long, Text, Gen.Bool, U64, (f, to, t, id, ts, c, a, seq) =>
            new DirectDelivered { From = f, To = to, Text = t, MessageId = id, TimestampMs = ts, ClientMsgId = c, Action = a, Seq = seq });

    /// <summary>One generator per frame type.</summary>
    public static readonly Gen<IMessage>[] Messages =
    [
        Gen.Select(U32, Text, Text, Text, Text, Text, Gen.Bool, (v, c, n, acct, pw, token, reg) =>
            (IMessage)new Hello { ProtocolVersion = v, ClientName = c, Nick = n, Account = acct, Password = pw, ResumeToken = token, Register = reg }),
        U64.Select(n => (IMessage)new Ping { Nonce = n }),
        Text.Select(n => (IMessage)new SetNick { Nick = n }),
        Text.Select(r => (IMessage)new Join { Room = r }),
        Gen.Select(Text, Text, (r, why) => (IMessage)new Part { Room = r, Reason = why }),
        Gen.Const<IMessage>(new ListRooms()),
        Text.Select(r => (IMessage)new Names { Room = r }),
        Gen.Select(Text, Text, Text, Gen.Bool, (r, t, id, a) => (IMessage)new Say { Room = r, Text = t, ClientMsgId = id, Action = a }),
        Gen.Select(Text, Text, Text, Gen.Bool, (to, t, id, a) => (IMessage)new Whisper { To = to, Text = t, ClientMsgId = id, Action = a }),
        Gen.Select(Text, Text, (r, t) => (IMessage)new SetTopic { Room = r, Topic = t }),
        Gen.Select(Gen.Int[0, 8], Text, (q, m) => (IMessage)new Goodbye { Reason = (QuitReason)q, Message = m }),
        Gen.Select(Text, U64, Gen.Bool, U32, (c, seq, f, l) => (IMessage)new History { Conversation = c, Seq = seq, Forward = f, Limit = l }),
        Gen.Select(Text, U64, (c, seq) => (IMessage)new MarkRead { Conversation = c, Seq = seq }),
        Gen.Select(Text, Text, (o, n) => (IMessage)new ChangePassword { OldPassword = o, NewPassword = n }),
        Text.Select(t => (IMessage)new RevokeResumeToken { Token = t }),
        Gen.Select(Text, Text, Text, (r, n, why) => (IMessage)new Kick { Room = r, Nick = n, Reason = why }),
        Gen.Select(Text, Text, Text, Text, U64, Text, (r, n, a, ip, d, why) =>
            (IMessage)new Ban { Room = r, Nick = n, Account = a, Address = ip, DurationMs = d, Reason = why }),
        Gen.Select(Text, Text, (r, m) => (IMessage)new Unban { Room = r, Mask = m }),
        Text.Select(r => (IMessage)new ListBans { Room = r }),
        Gen.Select(Text, Text, U64, Gen.Bool, (r, n, d, u) => (IMessage)new Mute { Room = r, Nick = n, DurationMs = d, Unmute = u }),
        Gen.Select(Text, Text, Gen.Int[0, 2], (r, n, role) => (IMessage)new SetRole { Room = r, Nick = n, Role = (MemberRole)role }),
        Gen.Select(Text, Gen.Bool, Gen.Bool, Gen.Bool, (r, set, io, tl) =>
            (IMessage)(set ? new SetRoomMode { Room = r, InviteOnly = io, TopicLocked = tl } : new SetRoomMode { Room = r })),
        Gen.Select(Text, Text, (r, n) => (IMessage)new Invite { Room = r, Nick = n }),
        Text.Select(m => (IMessage)new SetAway { Message = m }),
        Text.Select(n => (IMessage)new Whois { Nick = n }),
        Gen.Select(Text, Gen.Select(Text, Text, Text, Gen.Long, Gen.Long).Array[0, 3], (r, bans) =>
            (IMessage)new BanList { Room = r, Bans = { bans.Select(b => new BanEntry { Mask = b.Item1, By = b.Item2, Reason = b.Item3, CreatedMs = b.Item4, ExpiresMs = b.Item5 }) } }),
        Gen.Select(Text, Text, Text, Texts, Gen.Long, U64, Gen.Bool, (n, a, away, rooms, at, idle, admin) =>
            (IMessage)new WhoisInfo { Nick = n, Account = a, AwayMessage = away, Rooms = { rooms }, ConnectedMs = at, IdleMs = idle, Admin = admin }),
        Gen.Select(Text, Gen.Bool, Gen.Bool, Text, Text, (r, io, tl, owner, by) =>
            (IMessage)new RoomModeChanged { Room = r, Modes = new RoomModes { InviteOnly = io, TopicLocked = tl, Owner = owner }, By = by }),
        Gen.Select(Text, Text, Gen.Int[0, 2], Gen.Bool, Gen.Long, Text, (r, n, role, muted, until, by) =>
            (IMessage)new MemberChanged { Room = r, Nick = n, Role = (MemberRole)role, Muted = muted, MutedUntilMs = until, By = by }),
        Gen.Select(Text, Text, (r, by) => (IMessage)new Invited { Room = r, By = by }),
        Gen.Select(Text, U64, (c, seq) => (IMessage)new ReadMarkerChanged { Conversation = c, Seq = seq }),
        Gen.Select(Gen.Int[0, 50], Text, U32, (c, m, r) => (IMessage)new Error { Code = (ErrorCode)c, Message = m, RetryAfterMs = r }),
        Gen.Select(U32, Text, Text, Text, Limits, Text, UnreadGen.Array[0, 3], Texts, (v, s, motd, n, l, id, u, rooms) =>
            (IMessage)new Welcome { ProtocolVersion = v, ServerName = s, Motd = motd, Nick = n, Limits = l, ConnectionId = id, Unread = { u }, Rooms = { rooms } }),
        U64.Select(n => (IMessage)new Pong { Nonce = n }),
        Text.Select(n => (IMessage)new Ok { Nick = n }),
        Gen.Select(Text, Text, Texts, U64, U64, (r, t, m, s, read) => (IMessage)new Joined { Room = r, Topic = t, Members = { m }, LastSeq = s, ReadSeq = read }),
        Gen.Select(Text, U32, Text).Array[0, 4].Select(rooms =>
            (IMessage)new RoomList { Rooms = { rooms.Select(r => new RoomInfo { Name = r.Item1, MemberCount = r.Item2, Topic = r.Item3 }) } }),
        Gen.Select(Text, Texts, (r, m) => (IMessage)new Members { Room = r, Members_ = { m } }),
        Gen.Select(U64, U64, Gen.Long, Text, (id, seq, ts, c) => (IMessage)new Sent { MessageId = id, Seq = seq, TimestampMs = ts, ClientMsgId = c }),
        Gen.Select(Text, DeliveredGen.Array[0, 3], DirectDeliveredGen.Array[0, 3], Gen.Bool, U64, (c, m, d, more, last) =>
            (IMessage)new HistoryPage { Conversation = c, Messages = { m }, DirectMessages = { d }, HasMore = more, LastSeq = last }),
        DeliveredGen.Select(d => (IMessage)d),
        DirectDeliveredGen.Select(d => (IMessage)d),
        Gen.Select(Gen.Int[0, 9], Text, Text, Text, Gen.Int[0, 9], Text, Text, (k, r, n, nn, q, m, by) =>
            (IMessage)new Presence { Kind = (PresenceKind)k, Room = r, Nick = n, NewNick = nn, Reason = (QuitReason)q, Message = m, By = by }),
        Gen.Select(Text, Text, Text, (r, t, by) => (IMessage)new TopicChanged { Room = r, Topic = t, By = by }),
    ];

    /// <summary>A frame of a random type with random contents and request id.</summary>
    public static readonly Gen<DecodedFrame> Frame =
        Gen.Select(Gen.OneOf(Messages), Gen.UInt, (m, id) => new DecodedFrame(MessageCodec.TypeOf(m), id, m));

    /// <summary>Where to cut a stream: fractions in thousandths, so shrinking stays meaningful for any length.</summary>
    public static readonly Gen<int[]> CutFractions = Gen.Int[0, 1000].Array[0, 12];

    public static int[] Cuts(int[] fractions, int length) =>
        [.. fractions.Select(f => (int)((long)f * length / 1000)).Order()];
}
