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
        }
    }

    /// <summary>A ping's round trip, for the status line.</summary>
    public void SetLag(TimeSpan lag) => Status.Lag = lag;

    private DateTimeOffset TimeOf(long timestampMs) =>
        timestampMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(timestampMs) : Now;

    private void OnRoomMessage(Delivered m, bool replayed)
    {
        ChatBuffer buffer = Buffers.Open(BufferKind.Room, m.Room);
        bool own = Names.Same(m.From, Nick);
        bool mention = !own && Names.Mentions(m.Text, Nick);
        var line = new ChatLine(TimeOf(m.TimestampMs), m.Action ? LineKind.Action : LineKind.Message, m.From, m.Text, own, mention ? Nick : null);
        Add(buffer, line, ring: mention && !replayed);
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

        bool mention = !own && Names.Mentions(m.Text, Nick);
        var line = new ChatLine(TimeOf(m.TimestampMs), m.Action ? LineKind.Action : LineKind.Message, m.From, m.Text, own, mention ? Nick : null);
        Add(buffer, line, ring: !own);
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
        }
    }

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

        // One Presence per shared room: rename the direct conversation once, on the first of them.
        if (Buffers.Find(BufferKind.Direct, from) is { } direct && !Names.Same(from, to))
        {
            direct.Rename(to);
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
            Notice(Buffers.Server, $"{u.UnreadCount} unread direct messages from {TerminalText.Line(u.Peer)}");
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
        Status.LastError = Words.Of(d.Info);
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
        buffer.SetMembers(r.Joined.Members);
        buffer.SetStates(r.Joined.MemberStates);
        buffer.Modes = r.Joined.Modes;
        buffer.MemberCount = (int)Math.Max(r.Joined.MemberCount, (uint)r.Joined.Members.Count);
        buffer.Topic = TerminalText.Line(r.Joined.Topic);
        Notice(buffer, r.Missed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"rejoined {buffer.Name} ({r.Missed} messages while away)")
            : $"rejoined {buffer.Name}");
        FlushOutbox(b => b == buffer);
    }

    private void OnRejoinFailed(RejoinFailedEvent f)
    {
        if (Buffers.Find(BufferKind.Room, f.Room) is not { } buffer)
        {
            return;
        }

        buffer.AwaitingRejoin = false;
        buffer.Joined = false;
        buffer.SetMembers([]);
        Error(buffer, $"could not rejoin {buffer.Name}: {Words.Of(f.Error.Code)}: {TerminalText.Line(f.Error.Message)} (/join {buffer.Name} to try again)");
        FailOutbox(b => b == buffer, "not in the room");
    }
}
