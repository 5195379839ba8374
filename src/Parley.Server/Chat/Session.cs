using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Connections;

namespace Parley.Server.Chat;

/// <summary>
/// A connection's protocol state: handshake, then ready with a nickname and rooms. Requests are
/// handled synchronously on the connection's read loop, so this state needs no lock; other threads
/// read only <see cref="Nick"/> and the identity, except that a kick from another session's read loop
/// takes a room out of <see cref="_rooms"/>, which is therefore guarded by <see cref="_roomsGate"/>.
/// </summary>
internal sealed partial class Session
{
    private readonly ServerContext _context;
    private readonly List<Room> _rooms = [];
    private readonly Lock _roomsGate = new();
    private volatile string? _nick;
    private int _pendingCommits;

    public Session(ClientConnection connection, ServerContext context)
    {
        Connection = connection;
        _context = context;
    }

    public ClientConnection Connection { get; }

    /// <summary>The nickname as shown; null until the handshake.</summary>
    public string? Nick => _nick;

    /// <summary>The nickname's case-insensitive identity in the hub.</summary>
    public string? NickKey { get; private set; }

    public bool IsReady { get; private set; }

    /// <summary>This session's messages waiting for the group commit.</summary>
    public int PendingCommits => Volatile.Read(ref _pendingCommits);

    /// <summary>One of this session's messages left the group commit (stored or refused).</summary>
    public void CommitDone()
    {
        Interlocked.Decrement(ref _pendingCommits);
        Connection.ResumeReadingIfReady();
    }

    /// <summary>Handles one frame. Throws <see cref="ProtocolViolationException"/> for what closes the connection.</summary>
    public void Handle(in Frame frame)
    {
        IMessage message = MessageCodec.Decode(frame);
        uint id = frame.RequestId;
        switch (message)
        {
            case Pong:
                return;
            case Goodbye goodbye:
                Connection.CloseByClient(ContentRules.NeutralizeText(Truncate(goodbye.Message, ProtocolConstants.MaxReasonBytes)));
                return;
        }

        if (id == 0)
        {
            ProtocolViolationException.Throw(ErrorCode.MalformedFrame, $"a {frame.Type} request must carry a non-zero request id");
        }

        if (!IsReady)
        {
            switch (message)
            {
                case Hello hello:
                    OnHello(id, hello);
                    return;
                case Ping ping:
                    OnPing(id, ping);
                    return;
                default:
                    ProtocolViolationException.Throw(ErrorCode.HandshakeRequired, $"the first frame must be Hello, not {frame.Type}");
                    return;
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
            case Hello: Reply(id, ErrorCode.InvalidRequest, "the handshake is already done"); break;
            case Kick kick: OnKick(id, kick); break;
            case Ban ban: OnBan(id, ban); break;
            case Unban unban: OnUnban(id, unban); break;
            case ListBans list: OnListBans(id, list); break;
            case Mute mute: OnMute(id, mute); break;
            case SetRole role: OnSetRole(id, role); break;
            case SetRoomMode mode: OnSetRoomMode(id, mode); break;
            case Invite invite: OnInvite(id, invite); break;
            case ChangePassword or RevokeResumeToken or SetAway or Whois:
                Reply(id, ErrorCode.InvalidRequest, $"{frame.Type} is not supported by this server yet");
                break;
            default:
                ProtocolViolationException.Throw(ErrorCode.MalformedFrame, $"{frame.Type} is not a frame a client may send");
                break;
        }
    }

    /// <summary>Takes the session out of all its rooms' books; returns them for the quit announcements.</summary>
    public Room[] LeaveAll()
    {
        lock (_roomsGate)
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
            lock (_roomsGate)
            {
                return [.. _rooms];
            }
        }
    }

    /// <summary>The session was removed from <paramref name="room"/> by someone else (a kick or a ban); any thread.</summary>
    public void ForgetRoom(Room room)
    {
        lock (_roomsGate)
        {
            _rooms.Remove(room);
        }
    }

    private void Reply(uint id, ErrorCode code, string text) => Connection.Send(ClientConnection.ErrorFrame(code, text, id));

    private void Reply(uint id, FrameType type, IMessage message) => Connection.Send(FrameWriter.Encode(type, id, message));

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
