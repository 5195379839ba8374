using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Accounts;
using Parley.Server.Connections;
using Parley.Server.Storage;
using Parley.Server.Limits;

namespace Parley.Server.Chat;

/// <summary>
/// A connection's protocol state: handshake, then ready with a nickname and rooms. Requests are
/// handled on the connection's read loop one at a time (the slow ones, which hash a password, return a task
/// the loop awaits before it parses the next frame), so this state needs no lock; other threads read only
/// <see cref="Nick"/>, <see cref="Account"/> and the rest of the identity (Session.Identity.cs), except that a kick
/// from another session's read loop takes a room out of <see cref="_rooms"/>, which is therefore guarded by its
/// own monitor (<c>lock (_rooms)</c>).
/// </summary>
internal sealed partial class Session
{
    private readonly ServerContext _context;
    // Idle memory (issue 6): the list is its own lock (a kick from another read loop is the only contention; a
    // Lock object would cost 40 bytes per connection), and it starts with room for one room, not four.
    private readonly List<Room> _rooms = new(1);
    private volatile string? _nick;
    private volatile SessionAccount? _account;
    private int _pendingCommits;

    public Session(ClientConnection connection, ServerContext context)
    {
        Connection = connection;
        _context = context;
        ConnectedMs = _lastMessageMs = context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Limits = context.FloodControl.ForConnection();
    }

    public ClientConnection Connection { get; }

    /// <summary>This connection's flood-control allowance (see <see cref="WithinAllowance"/>).</summary>
    public SessionLimits Limits { get; }

    /// <summary>The nickname as shown; null until the handshake.</summary>
    public string? Nick => _nick;

    /// <summary>The nickname's case-insensitive identity in the hub.</summary>
    public string? NickKey { get; private set; }

    public bool IsReady { get; private set; }

    /// <summary>The account this session is logged in to; null for a guest (and before the handshake).</summary>
    public SessionAccount? Account => _account;

    /// <summary>
    /// Who this session is for stored direct messages and read markers: its account
    /// (<see cref="IChatStore.AccountUser"/>, which survives nickname changes), or a guest's nickname key.
    /// </summary>
    public string? Identity => _account?.User ?? NickKey;

    /// <summary>This session's messages waiting for the group commit.</summary>
    public int PendingCommits => Volatile.Read(ref _pendingCommits);

    /// <summary>One of this session's messages left the group commit (stored or refused).</summary>
    public void CommitDone()
    {
        Interlocked.Decrement(ref _pendingCommits);
        Connection.ResumeReadingIfReady();
    }

    /// <summary>
    /// Handles one frame. Returns null when done, or a task for a request that waits for a password hash: the
    /// read loop parses nothing more until it completes. Throws <see cref="ProtocolViolationException"/> for what
    /// closes the connection.
    /// </summary>
    public Task? Handle(in Frame frame)
    {
        IMessage message = MessageCodec.Decode(frame);
        uint id = frame.RequestId;
        switch (message)
        {
            case Pong:
                return null;
            case Goodbye goodbye:
                Connection.CloseByClient(ReasonText(goodbye.Message));
                return null;
        }

        if (id == 0)
        {
            ProtocolViolationException.Throw(ErrorCode.MalformedFrame, $"a {frame.Type} request must carry a non-zero request id");
        }

        if (!WithinAllowance(frame.Type, id))
        {
            return null;
        }

        if (!IsReady)
        {
            switch (message)
            {
                case Hello hello:
                    return OnHello(id, hello);
                case Ping ping:
                    OnPing(id, ping);
                    return null;
                default:
                    ProtocolViolationException.Throw(ErrorCode.HandshakeRequired, $"the first frame must be Hello, not {frame.Type}");
                    return null;
            }
        }

        switch (message)
        {
            case Ping ping: OnPing(id, ping); break;
            case Say say: OnSay(id, say); break;
            case Whisper whisper: OnWhisper(id, whisper); break;
            case Join join: OnJoin(id, join); break;
            case Part part: OnPart(id, part); break;
            case SetNick setNick: OnSetNick(id, setNick); break;
            case SetTopic topic: OnSetTopic(id, topic); break;
            case Names names: OnNames(id, names); break;
            case ListRooms: OnListRooms(id); break;
            case History history: OnHistory(id, history); break;
            case MarkRead mark: OnMarkRead(id, mark); break;
            case SetAway away: OnSetAway(id, away); break;
            case Whois whois: OnWhois(id, whois); break;
            case Hello: Reply(id, ErrorCode.InvalidRequest, "the handshake is already done"); break;
            case ChangePassword change: return OnChangePassword(id, change);
            case RevokeResumeToken revoke: OnRevokeResumeToken(id, revoke); break;
            case Kick kick: OnKick(id, kick); break;
            case Ban ban: OnBan(id, ban); break;
            case Unban unban: OnUnban(id, unban); break;
            case ListBans list: OnListBans(id, list); break;
            case Mute mute: OnMute(id, mute); break;
            case SetRole role: OnSetRole(id, role); break;
            case SetRoomMode mode: OnSetRoomMode(id, mode); break;
            case Invite invite: OnInvite(id, invite); break;
            default:
                ProtocolViolationException.Throw(ErrorCode.MalformedFrame, $"{frame.Type} is not a frame a client may send");
                break;
        }

        return null;
    }

    /// <summary>Takes the session out of all its rooms' books; returns them for the quit announcements.</summary>
    public Room[] LeaveAll()
    {
        lock (_rooms)
        {
            Room[] rooms = [.. _rooms];
            _rooms.Clear();
            return rooms;
        }
    }

    /// <summary>The rooms the session is in now.</summary>
    private Room[] Rooms
    {
        get
        {
            lock (_rooms)
            {
                return [.. _rooms];
            }
        }
    }

    /// <summary>The session was removed from <paramref name="room"/> by someone else (a kick or a ban); any thread.</summary>
    public void ForgetRoom(Room room)
    {
        lock (_rooms)
        {
            _rooms.Remove(room);
        }
    }

    private void Reply(uint id, ErrorCode code, string text) => Connection.Send(ClientConnection.ErrorFrame(code, text, id));

    private void Reply(uint id, FrameType type, IMessage message) => Connection.Send(FrameWriter.Encode(type, id, message));

    /// <summary>
    /// A reason or quit message as others see it: neutralised first, then cut, so what goes out is never over the
    /// limit (the stand-in for a control character is longer than the character).
    /// </summary>
    private static string ReasonText(string reason) => Truncate(ContentRules.NeutralizeText(reason), ProtocolConstants.MaxReasonBytes);

    private static string Truncate(string s, int maxBytes)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(s) <= maxBytes)
        {
            return s;
        }

        int chars = Math.Min(s.Length, maxBytes);
        while (chars > 0 && System.Text.Encoding.UTF8.GetByteCount(s.AsSpan(0, chars)) > maxBytes)
        {
            chars--;
        }

        if (chars > 0 && char.IsHighSurrogate(s[chars - 1]))
        {
            chars--;
        }

        return s[..chars];
    }
}
