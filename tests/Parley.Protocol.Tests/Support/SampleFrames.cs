using Google.Protobuf;
using Parley.Protocol.Messages;

namespace Parley.Protocol.Tests.Support;

/// <summary>One representative frame of every v1 type, every field set (non-ASCII text included).</summary>
public static class SampleFrames
{
    public static DecodedFrame For(FrameType type) => new(type, RequestIdFor(type), MessageFor(type));

    public static IEnumerable<DecodedFrame> All => Enum.GetValues<FrameType>().Select(For);

    public static TheoryData<FrameType> Types => new(Enum.GetValues<FrameType>());

    /// <summary>Events carry request id 0; requests and replies a non-zero one (large, to exercise all four bytes).</summary>
    public static uint RequestIdFor(FrameType type) => (byte)type >= 0xC0 ? 0 : 0x01020300u + (byte)type;

    public static IMessage MessageFor(FrameType type) => type switch
    {
        FrameType.Hello => new Hello
        {
            ProtocolVersion = ProtocolConstants.Version,
            ClientName = "parley-tests/1.0",
            Nick = "zoë",
            Account = "zoë",
            Password = "correct horse battery staple",
            ResumeToken = "rt_3q2+7w==",
            Register = true,
            InviteCode = "inv-7K2Q",
            WantResumeToken = true,
        },
        FrameType.Ping => new Ping { Nonce = 0xDEADBEEF_CAFEF00D },
        FrameType.SetNick => new SetNick { Nick = "Ａｌｉｃｅ" },
        FrameType.Join => new Join { Room = "#général" },
        FrameType.Part => new Part { Room = "#rust", Reason = "off to lunch 🍜" },
        FrameType.ListRooms => new ListRooms(),
        FrameType.Names => new Names { Room = "#dotnet" },
        FrameType.Say => new Say { Room = "#dotnet", Text = "hello\nworld, 世界", ClientMsgId = "c-01HZX", Action = true },
        FrameType.Whisper => new Whisper { To = "bob", Text = "psst", ClientMsgId = "w1", Action = false },
        FrameType.SetTopic => new SetTopic { Room = "#dotnet", Topic = "Parley v1 ships Friday" },
        FrameType.History => new History { Conversation = "#dotnet", Seq = 40, Forward = false, Limit = 50 },
        FrameType.MarkRead => new MarkRead { Conversation = "bob", Seq = 7 },
        FrameType.ChangePassword => new ChangePassword { OldPassword = "hunter2hunter2", NewPassword = "pässwört-2026" },
        FrameType.RevokeResumeToken => new RevokeResumeToken { Token = "rt_3q2+7w==" },
        FrameType.Kick => new Kick { Room = "#dotnet", Nick = "mallory", Reason = "spam" },
        FrameType.Ban => new Ban { Room = "#dotnet", Nick = "mallory", Account = "mallory", Address = "203.0.113.0/24", DurationMs = 3_600_000, Reason = "spam" },
        FrameType.Unban => new Unban { Room = "#dotnet", Mask = "address:203.0.113.0/24" },
        FrameType.ListBans => new ListBans { Room = "#dotnet" },
        FrameType.Mute => new Mute { Room = "#dotnet", Nick = "mallory", DurationMs = 600_000, Unmute = true },
        FrameType.SetRole => new SetRole { Room = "#dotnet", Nick = "bob", Role = MemberRole.Operator },
        FrameType.SetRoomMode => new SetRoomMode { Room = "#dotnet", InviteOnly = true, TopicLocked = false },
        FrameType.Invite => new Invite { Room = "#dotnet", Nick = "carol" },
        FrameType.SetAway => new SetAway { Message = "lunch 🍜" },
        FrameType.Whois => new Whois { Nick = "bob" },
        FrameType.BanList => new BanList
        {
            Room = "#dotnet",
            Bans = { new BanEntry { Mask = "account:mallory", By = "alice", Reason = "spam", CreatedMs = 1_795_000_000_000, ExpiresMs = 1_795_003_600_000 } },
        },
        FrameType.WhoisInfo => new WhoisInfo
        {
            Nick = "bob",
            Account = "bob",
            AwayMessage = "lunch",
            Rooms = { "#dotnet", "#général" },
            ConnectedMs = 1_795_000_000_000,
            IdleMs = 12_000,
            Admin = true,
        },
        FrameType.RoomModeChanged => new RoomModeChanged { Room = "#dotnet", Modes = new RoomModes { InviteOnly = true, TopicLocked = true, Owner = "alice" }, By = "alice" },
        FrameType.MemberChanged => new MemberChanged { Room = "#dotnet", Nick = "bob", Role = MemberRole.Operator, Muted = true, MutedUntilMs = 1_795_000_600_000, By = "alice" },
        FrameType.Invited => new Invited { Room = "#dotnet", By = "alice" },
        FrameType.ReadMarkerChanged => new ReadMarkerChanged { Conversation = "#général", Seq = 4_218 },
        FrameType.Goodbye => new Goodbye { Reason = QuitReason.SlowConsumer, Message = "send queue over 4194304 bytes" },
        FrameType.Error => new Error { Code = ErrorCode.RateLimited, Message = "slow down", RetryAfterMs = 1500 },
        FrameType.Welcome => new Welcome
        {
            ProtocolVersion = 1,
            ServerName = "parley.example",
            Motd = "be kind",
            Nick = "guest-4821",
            ConnectionId = "0HN7K3",
            Account = "guest-4821",
            ResumeToken = "rt_new",
            Mode = ServerMode.Invite,
            Admin = true,
            Unread = { new UnreadConversation { Peer = "bob", LastSeq = 9, ReadSeq = 7, UnreadCount = 2 } },
            Rooms = { "#général", "#rust" },
            Limits = new ServerLimits
            {
                MaxFramePayload = ProtocolConstants.DefaultMaxFramePayload,
                MaxTextBytes = ProtocolConstants.MaxTextBytes,
                MaxNickLength = ProtocolConstants.MaxNickLength,
                MaxRoomNameLength = ProtocolConstants.MaxRoomNameLength,
                MaxTopicBytes = ProtocolConstants.MaxTopicBytes,
                SendQueueSoftBytes = 1UL << 20,
                SendQueueHardBytes = 4UL << 20,
                PingIntervalMs = 30_000,
                IdleTimeoutMs = 90_000,
                RateBurst = 10,
                RatePerSecond = 2.5,
                MaxRoomsPerSession = 50,
                MaxMembersPerRoom = 10_000,
            },
        },
        FrameType.Pong => new Pong { Nonce = ulong.MaxValue },
        FrameType.Ok => new Ok { Nick = "alice" },
        FrameType.Joined => new Joined
        {
            Room = "#dotnet",
            Topic = "t",
            Members = { "alice", "bob", "zoë" },
            LastSeq = 41,
            MemberCount = 3,
            Modes = new RoomModes { InviteOnly = true, TopicLocked = true, Owner = "alice" },
            MemberStates = { new MemberState { Nick = "alice", Role = MemberRole.Owner }, new MemberState { Nick = "zoë", Muted = true, AwayMessage = "afk" } },
            ReadSeq = 40,
        },
        FrameType.RoomList => new RoomList
        {
            Rooms =
            {
                new RoomInfo { Name = "#dotnet", MemberCount = 3, Topic = "C#" },
                new RoomInfo { Name = "#empty" },
            },
        },
        FrameType.Members => new Members
        {
            Room = "#dotnet",
            Members_ = { "alice", "bob" },
            MemberCount = 2,
            Modes = new RoomModes { Owner = "alice" },
            MemberStates = { new MemberState { Nick = "bob", Role = MemberRole.Operator } },
        },
        FrameType.Sent => new Sent { MessageId = 9001, Seq = 42, TimestampMs = 1_795_000_000_000, ClientMsgId = "c-01HZX" },
        FrameType.HistoryPage => new HistoryPage
        {
            Conversation = "#dotnet",
            Messages = { new Delivered { Room = "#dotnet", From = "alice", Text = "earlier", MessageId = 8000, Seq = 39, TimestampMs = 1_794_999_999_000 } },
            DirectMessages = { new DirectDelivered { From = "bob", To = "alice", Text = "dm", MessageId = 8001, Seq = 3 } },
            HasMore = true,
            LastSeq = 42,
        },
        FrameType.Delivered => new Delivered
        {
            Room = "#dotnet",
            From = "alice",
            Text = "hello\nworld, 世界",
            MessageId = 9001,
            Seq = 42,
            TimestampMs = 1_795_000_000_000,
            ClientMsgId = "c-01HZX",
            Action = true,
        },
        FrameType.DirectDelivered => new DirectDelivered
        {
            From = "alice",
            To = "bob",
            Text = "psst",
            MessageId = 9002,
            TimestampMs = -1,
            ClientMsgId = "w1",
            Action = true,
            Seq = 12,
        },
        FrameType.Presence => new Presence
        {
            Kind = PresenceKind.Quit,
            Room = string.Empty,
            Nick = "carol",
            NewNick = string.Empty,
            Reason = QuitReason.SlowConsumer,
            Message = "bye",
            By = "alice",
        },
        FrameType.TopicChanged => new TopicChanged { Room = "#dotnet", Topic = "new topic", By = "alice" },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no sample for this frame type"),
    };
}
