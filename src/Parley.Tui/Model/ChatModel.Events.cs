using System.Globalization;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// Server events and connection-state changes, as they change the screen.
public sealed partial class ChatModel
{
    /// <summary>Applies one event from the session (on the UI thread).</summary>
    public void Apply(ParleyEvent e)
    {
        switch (e)
        {
            case RoomMessageEvent { Message: var m } r:
                OnRoomMessage(m, r.Replayed);
                break;
            case DirectMessageEvent { Message: var m }:
                OnDirectMessage(m);
                break;
            case PresenceEvent { Presence: var p }:
                OnPresence(p);
                break;
            case TopicChangedEvent { Change: var t }:
                OnTopic(t);
                break;
            case RoomModeChangedEvent { Change: var m }:
                OnRoomModeChanged(m);
                break;
            case MemberChangedEvent { Change: var m }:
                OnMemberChanged(m);
                break;
            case InvitedEvent { Invitation: var i }:
                OnInvited(i);
                break;
            case ConnectingEvent c:
                Status.State = ConnectionState.Connecting;
                Status.Attempt = c.Attempt;
                if (c.Attempt == 0)
                {
                    Notice(Buffers.Server, $"connecting to {c.Endpoint}");
                }

                break;
            case ConnectedEvent c:
                OnConnected(c);
                break;
            case ReconnectingEvent r:
                Status.State = ConnectionState.Reconnecting;
                Status.Attempt = r.Attempt;
                Status.ReconnectAt = Now + r.Delay;
                Status.Lag = null;
                Notice(Buffers.Server, string.Create(CultureInfo.InvariantCulture, $"reconnecting in {r.Delay.TotalSeconds:0.0} s (try {r.Attempt})"));
                break;
            case DisconnectedEvent d:
                OnDisconnected(d);
                break;
            case RejoinedEvent r:
                OnRejoined(r);
                break;
            case RejoinFailedEvent f:
                OnRejoinFailed(f);
                break;
            case RoomRestoredEvent r:
                // Remembered by the server for the account: back in the room the user was in on another device or before a restart.
                OpenJoined(r.Joined, r.Joined.Room, "back in", show: false);
                break;
            case ReadMarkerEvent { Change: var m }:
                OnReadElsewhere(m);
                break;
        }
    }

    /// <summary>Away members listed by a join or a names reply: known without a line for each.</summary>
    private void NoteAway(IEnumerable<MemberState> states)
    {
        foreach (MemberState state in states)
        {
            if (state.AwayMessage.Length > 0)
            {
                _awayNicks[Names.Key(state.Nick)] = TerminalText.Line(state.AwayMessage);
            }
        }
    }

    /// <summary>A ping's round trip, for the status line.</summary>
    public void SetLag(TimeSpan lag) => Status.Lag = lag;

    private DateTimeOffset TimeOf(long timestampMs) =>
        timestampMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(timestampMs) : Now;

    private void OnRoomMessage(Delivered m, bool replayed)
    {
        ChatBuffer buffer = Buffers.Open(BufferKind.Room, m.Room);
        if (buffer.Contains(m.MessageId))
        {
            return;
        }

        ChatLine line = RoomLine(m, fromHistory: false);
        Add(buffer, line, ring: line.IsMention && !replayed);
    }

    private void OnDirectMessage(DirectDelivered m)
    {
        bool own = Names.Same(m.From, Nick);
        string peer = own ? m.To : m.From;
        ChatBuffer buffer = Buffers.Open(BufferKind.Direct, peer);
        if (!own)
        {
            _lastDirectFrom = m.From;
        }

        if (buffer.Contains(m.MessageId))
        {
            return;
        }

        Add(buffer, DirectLine(m, fromHistory: false), ring: !own);
    }

    private string? _lastDirectFrom;

    private void OnPresence(Presence p)
    {
        ChatBuffer? buffer = Buffers.Find(BufferKind.Room, p.Room);
        string nick = TerminalText.Line(p.Nick);
        switch (p.Kind)
        {
            case PresenceKind.Joined when buffer is not null:
                if (buffer.AddMember(p.Nick))
                {
                    buffer.MemberCount++;
                }

                // Our own join is already told by the reply to /join ("you joined ...") or the rejoin notice.
                if (!Names.Same(p.Nick, Nick))
                {
                    Add(buffer, new ChatLine(Now, LineKind.Joined, p.Nick, $"{nick} joined {buffer.Name}"));
                }

                break;
            case PresenceKind.Left when buffer is not null:
                if (buffer.RemoveMember(p.Nick))
                {
                    buffer.MemberCount = Math.Max(0, buffer.MemberCount - 1);
                }

                Add(buffer, new ChatLine(Now, LineKind.Left, p.Nick, p.Message.Length > 0 ? $"{nick} left ({TerminalText.Line(p.Message)})" : $"{nick} left"));
                break;
            case PresenceKind.Quit when buffer is not null:
                if (buffer.RemoveMember(p.Nick))
                {
                    buffer.MemberCount = Math.Max(0, buffer.MemberCount - 1);
                }

                _awayNicks.Remove(Names.Key(p.Nick));
                string why = Words.Of(p.Reason);
                Add(buffer, new ChatLine(Now, LineKind.Left, p.Nick, p.Message.Length > 0
                    ? $"{nick} quit ({why}: {TerminalText.Line(p.Message)})"
                    : $"{nick} quit ({why})"));
                break;
            case PresenceKind.Nick:
                OnNick(buffer, p.Nick, p.NewNick);
                break;
            case PresenceKind.Kicked when buffer is not null:
                OnKicked(buffer, p);
                break;
            case PresenceKind.Away or PresenceKind.Back:
                OnAway(buffer, p.Nick, p.Kind == PresenceKind.Away ? p.Message : null);
                break;
        }
    }

    /// <summary>
    /// Someone went away or came back. Like irssi and WeeChat with away-notify, the rooms get no line for it (in a busy
    /// room such lines are noise): the member list dims the nickname. A direct conversation with that person gets one
    /// line per change, as WeeChat shows a private buffer's peer going away, since there it answers "why no reply?".
    /// </summary>
    private void OnAway(ChatBuffer? room, string nick, string? message)
    {
        room?.SetAway(nick, message);
        string key = Names.Key(nick);
        string? before = _awayNicks.GetValueOrDefault(key);
        string? now = string.IsNullOrEmpty(message) ? null : TerminalText.Line(message);
        if (before == now)
        {
            // One event per shared room: the first one told the direct conversation already.
            return;
        }

        if (now is null)
        {
            _awayNicks.Remove(key);
        }
        else
        {
            _awayNicks[key] = now;
        }

        if (Buffers.Find(BufferKind.Direct, nick) is { } direct)
        {
            string name = TerminalText.Line(nick);
            Add(direct, new ChatLine(Now, LineKind.Away, nick, now is null ? $"{name} is back" : $"{name} is away: {now}"));
        }
    }

    // Nicknames known to be away (by key), with their messages: one line per change in a direct conversation.
    private readonly Dictionary<string, string> _awayNicks = new(StringComparer.Ordinal);

    private void OnNick(ChatBuffer? room, string from, string to)
    {
        bool me = Names.Same(from, Nick);
        if (me)
        {
            Nick = to;
        }

        string text = me ? $"you are now known as {TerminalText.Line(to)}" : $"{TerminalText.Line(from)} is now known as {TerminalText.Line(to)}";
        if (room is not null)
        {
            room.RenameMember(from, to);
            Add(room, new ChatLine(Now, LineKind.Notice, from, text));
        }

        if (!Names.Same(from, to) && _awayNicks.Remove(Names.Key(from), out string? away))
        {
            _awayNicks[Names.Key(to)] = away;
        }

        // One Presence per shared room: rename the direct conversation once, on the first of them.
        if (Buffers.Find(BufferKind.Direct, from) is { } direct && !Names.Same(from, to))
        {
            direct.Rename(to);
            direct.StartNewConversation();
            Add(direct, new ChatLine(Now, LineKind.Notice, from, text));
        }
    }

    private void OnTopic(TopicChanged t)
    {
        if (Buffers.Find(BufferKind.Room, t.Room) is not { } buffer)
        {
            return;
        }

        buffer.Topic = TerminalText.Line(t.Topic);
        string by = TerminalText.Line(t.By);
        Add(buffer, new ChatLine(Now, LineKind.Notice, t.By, t.Topic.Length > 0
            ? $"{by} set the topic: {buffer.Topic}"
            : $"{by} cleared the topic"));
    }

    private void OnConnected(ConnectedEvent c)
    {
        bool again = Status.ServerName.Length > 0 || Status.Attempt > 0 || Status.LastError.Length > 0;
        Status.State = ConnectionState.Connected;
        Status.Attempt = 0;
        Status.ServerName = TerminalText.Line(c.Welcome.ServerName);
        Status.LastError = string.Empty;
        Nick = c.Nick;
        string server = Status.ServerName.Length > 0 ? $"{Status.ServerName} ({c.Endpoint})" : c.Endpoint;
        Notice(Buffers.Server, $"connected to {server} as {TerminalText.Line(c.Nick)}");
        if (c.Welcome.Motd.Length > 0)
        {
            foreach (string line in TerminalText.Lines(c.Welcome.Motd))
            {
                Notice(Buffers.Server, "motd: " + line);
            }
        }

        foreach (UnreadConversation u in c.Welcome.Unread)
        {
            LoadUnread(u);
            ShowUnreadNotice(u);
        }

        foreach (ChatBuffer buffer in Buffers.All)
        {
            if (buffer.Kind == BufferKind.Room && buffer.Joined)
            {
                // The session rejoins them next; lines typed meanwhile wait for RejoinedEvent.
                buffer.AwaitingRejoin = again;
            }
            else if (buffer.Kind == BufferKind.Direct && again)
            {
                Notice(buffer, "reconnected");
            }
        }

        FlushOutbox(buffer => buffer.Kind == BufferKind.Direct);
    }

    private void OnDisconnected(DisconnectedEvent d)
    {
        Status.LastError = d.Info.Trust?.Summary ?? Words.Of(d.Info);
        Status.Lag = null;
        if (!d.WillReconnect)
        {
            Status.State = ConnectionState.Closed;
        }

        string text = d.WillReconnect
            ? $"disconnected: {Status.LastError}"
            : $"disconnected: {Status.LastError}; not reconnecting (/quit to leave)";
        foreach (ChatBuffer buffer in Buffers.All)
        {
            if (buffer.Kind == BufferKind.Server || buffer.Kind == BufferKind.Room && buffer.Joined || buffer.Kind == BufferKind.Direct)
            {
                Add(buffer, new ChatLine(Now, LineKind.Error, string.Empty, text));
            }
        }

        if (d.Info.Trust is { } refused)
        {
            // The whole explanation of a refused certificate: the risk and how to fix it.
            foreach (string line in refused.Message.Split('\n'))
            {
                Error(Buffers.Server, TerminalText.Line(line));
            }
        }

        if (!d.WillReconnect)
        {
            FailOutbox(_ => true, "the connection is closed for good");
        }
    }

    private void OnRejoined(RejoinedEvent r)
    {
        ChatBuffer buffer = Buffers.Open(BufferKind.Room, r.Joined.Room);
        buffer.AwaitingRejoin = false;
        buffer.Joined = true;
        buffer.SetMembers(r.Joined.Members, r.Joined.MemberStates);
        buffer.Modes = r.Joined.Modes;
        buffer.MemberCount = (int)Math.Max(r.Joined.MemberCount, (uint)r.Joined.Members.Count);
        buffer.Topic = TerminalText.Line(r.Joined.Topic);
        buffer.ReadSeq = Math.Max(buffer.ReadSeq, r.Joined.ReadSeq);
        NoteAway(r.Joined.MemberStates);
        Notice(buffer, r.Missed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"rejoined {buffer.Name} ({r.Missed} messages while away)")
            : $"rejoined {buffer.Name}");
        if (buffer.BacklogAt is not null)
        {
            // The backlog of the first join never arrived (the connection went first): ask again. The messages after
            // it are being replayed by the session, and go below it.
            LoadBacklog(buffer, r.Joined.ReadSeq);
        }

        FlushOutbox(b => b == buffer);
    }

    /// <summary>The user read this far on another device: no longer unread here.</summary>
    private void OnReadElsewhere(ReadMarkerChanged marker)
    {
        BufferKind kind = marker.Conversation.StartsWith('#') ? BufferKind.Room : BufferKind.Direct;
        Buffers.Find(kind, marker.Conversation)?.ReadElsewhere(marker.Seq);
    }

    private void OnRejoinFailed(RejoinFailedEvent f)
    {
        if (Buffers.Find(BufferKind.Room, f.Room) is not { } buffer)
        {
            // A remembered room that could not be joined (banned, invite-only since): say so where the user looks first.
            Error(Buffers.Server, $"could not join {TerminalText.Line(f.Room)}: {Words.Of(f.Error.Code)}: {TerminalText.Line(f.Error.Message)}");
            return;
        }

        buffer.AwaitingRejoin = false;
        buffer.Joined = false;
        buffer.SetMembers([]);
        Error(buffer, $"could not rejoin {buffer.Name}: {Words.Of(f.Error.Code)}: {TerminalText.Line(f.Error.Message)} (/join {buffer.Name} to try again)");
        FailOutbox(b => b == buffer, "not in the room");
    }
}
