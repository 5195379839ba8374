using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Accounts;

namespace Parley.Server.Chat;

/// <summary>
/// The end of a successful handshake: the session takes its nickname and message allowance, and the client gets
/// its Welcome (limits, unread direct conversations, the account's remembered rooms).
/// </summary>
internal sealed partial class Session
{
    private void Ready(uint id, Hello hello, string display, string key, SessionAccount? account, string? token)
    {
        NickKey = key;
        _nick = display;
        Limits.AttachMessageBucket(_context.FloodControl.MessageBucketFor(Account?.Key));
        IsReady = true;
        Log.HandshakeDone(_context.Logger, Connection.Id, display, ContentRules.NeutralizeText(hello.ClientName));
        ServerOptions o = _context.Options;
        Reply(id, FrameType.Welcome, new Welcome
        {
            ProtocolVersion = ProtocolConstants.Version,
            ServerName = o.ServerName,
            Motd = o.Motd,
            Nick = display,
            ConnectionId = Connection.Id,
            Account = account?.Name ?? string.Empty,
            Admin = account?.Admin ?? false,
            Mode = Accounts.WireMode,
            ResumeToken = token ?? string.Empty,
            Unread = { UnreadFor(Identity!) },
            Rooms = { account is null ? [] : Accounts.Store.LoadMemberships(account.Key) },
            Limits = WireLimits(o),
        });
    }

    /// <summary>The limits this server enforces, as Welcome announces them.</summary>
    private static ServerLimits WireLimits(ServerOptions o) => new()
    {
        MaxFramePayload = (uint)o.MaxFramePayload,
        MaxTextBytes = ProtocolConstants.MaxTextBytes,
        MaxNickLength = ProtocolConstants.MaxNickLength,
        MaxRoomNameLength = ProtocolConstants.MaxRoomNameLength,
        MaxTopicBytes = ProtocolConstants.MaxTopicBytes,
        SendQueueSoftBytes = (ulong)o.SendQueueSoftBytes,
        SendQueueHardBytes = (ulong)o.SendQueueHardBytes,
        PingIntervalMs = (uint)o.PingInterval.TotalMilliseconds,
        IdleTimeoutMs = (uint)o.IdleTimeout.TotalMilliseconds,
        MaxRoomsPerSession = (uint)o.MaxRoomsPerSession,
        MaxMembersPerRoom = (uint)o.MaxMembersPerRoom,
        // 0 and 0 when off: "no limit" (docs/PROTOCOL.md, Limits and defaults).
        RateBurst = o.RateLimits.MessagesLimited ? (uint)o.RateLimits.MessageBurst : 0,
        RatePerSecond = o.RateLimits.MessagesLimited ? o.RateLimits.MessagesPerSecond : 0,
    };

    private IEnumerable<Protocol.Messages.UnreadConversation> UnreadFor(string user) =>
        _context.Store.UnreadDirectConversations(user).Select(u => new Protocol.Messages.UnreadConversation
        {
            Peer = PeerName(u.Conversation[1..].Split(',').FirstOrDefault(k => k != user) ?? user),
            LastSeq = u.LastSeq, ReadSeq = u.ReadMarker, UnreadCount = (uint)u.Unread,
        });

    /// <summary>How a conversation's other user is named to the client: an account by its name, a guest by its nickname key.</summary>
    private string PeerName(string user) =>
        user.StartsWith('~') ? Accounts.Store.FindAccount(user[1..])?.Name ?? user[1..] : user;
}
