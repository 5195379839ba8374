using System.Globalization;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// The stored history: the backlog of a room on join, unread direct conversations at start, and read markers.
public sealed partial class ChatModel
{
    /// <summary>The most history one backlog shows (the option is clamped to it).</summary>
    public const int MaxBacklog = 500;

    /// <summary>
    /// How long after the user has seen the end of a buffer the server is told (MarkRead): a burst of arrivals, or a
    /// quick look through several buffers, costs one request per buffer, not one per message.
    /// </summary>
    public static readonly TimeSpan MarkReadDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Fetches the room's last messages up to <see cref="ChatBuffer.BacklogThrough"/> (<c>Joined.last_seq</c>) and puts
    /// them where the join left room for them, before anything that arrived live meanwhile. <paramref name="readSeq"/>
    /// is the read marker the server gave with the join.
    /// </summary>
    private void LoadBacklog(ChatBuffer buffer, ulong readSeq)
    {
        if (Options.Backlog <= 0 || buffer.BacklogThrough == 0)
        {
            buffer.BacklogAt = null;
            return;
        }

        Then(
            _backend.RoomBacklogAsync(buffer.Target, buffer.BacklogThrough, Math.Min(Options.Backlog, MaxBacklog)),
            messages =>
            {
                if (Buffers.All.Contains(buffer))
                {
                    buffer.InsertBacklog([.. messages.Select(m => RoomLine(m, fromHistory: true))], readSeq);
                }
            },
            ex =>
            {
                // Refused (a server that keeps no history): nothing to wait for. Lost with the connection: the
                // rejoin asks again (BacklogAt stays).
                if (ex is ParleyRequestException)
                {
                    buffer.BacklogAt = null;
                }
            });
    }

    /// <summary>A direct conversation with unread messages (Welcome.unread): its buffer, unread count, and history.</summary>
    private void LoadUnread(UnreadConversation u)
    {
        ChatBuffer buffer = Buffers.Open(BufferKind.Direct, u.Peer);
        buffer.NoteSeq(u.LastSeq);
        buffer.ReadSeq = Math.Max(buffer.ReadSeq, u.ReadSeq);
        if (buffer != Current)
        {
            buffer.CountUnread((int)Math.Min(u.UnreadCount, int.MaxValue));
        }

        buffer.BacklogAt = buffer.Lines.Count;
        // Every unread message and one read one before them, so that the read marker has a line above it.
        int count = (int)Math.Clamp(Math.Max((long)Options.Backlog, u.UnreadCount + 1L), 1, MaxBacklog);
        Then(
            _backend.DirectBacklogAsync(u.Peer, u.LastSeq, count),
            messages =>
            {
                if (!Buffers.All.Contains(buffer))
                {
                    return;
                }

                // The welcome names the peer by its key; the messages spell it as the peer does.
                if (messages.Select(m => Names.Same(m.From, Nick) ? m.To : m.From).FirstOrDefault(n => Names.Same(n, buffer.Target)) is { } spelled)
                {
                    buffer.Rename(spelled);
                }

                buffer.InsertBacklog([.. messages.Select(m => DirectLine(m, fromHistory: true))], u.ReadSeq);
            },
            ex =>
            {
                buffer.BacklogAt = null;
                Error(buffer, $"could not fetch the unread messages: {Words.Of(ex)}");
            });
    }

    private ChatLine RoomLine(Delivered m, bool fromHistory)
    {
        bool own = Names.Same(m.From, Nick);
        bool mention = !own && Names.Mentions(m.Text, Nick);
        return new ChatLine(TimeOf(m.TimestampMs), m.Action ? LineKind.Action : LineKind.Message, m.From, m.Text, own, mention ? Nick : null)
        {
            Seq = m.Seq, MessageId = m.MessageId, FromHistory = fromHistory,
        };
    }

    private ChatLine DirectLine(DirectDelivered m, bool fromHistory)
    {
        bool own = Names.Same(m.From, Nick);
        bool mention = !own && Names.Mentions(m.Text, Nick);
        return new ChatLine(TimeOf(m.TimestampMs), m.Action ? LineKind.Action : LineKind.Message, m.From, m.Text, own, mention ? Nick : null)
        {
            Seq = m.Seq, MessageId = m.MessageId, FromHistory = fromHistory,
        };
    }

    /// <summary>
    /// Notes what the user has seen (the buffer shown, scrolled to the bottom) and tells the server, for each buffer,
    /// <see cref="MarkReadDelay"/> after it first saw something new there; <paramref name="flush"/> sends at once
    /// whatever is waiting (on /quit).
    /// </summary>
    private void UpdateReadMarkers(bool flush = false)
    {
        if (Current.Kind != BufferKind.Server && Current.ScrollRows == 0)
        {
            Current.NoteSeen();
        }

        foreach (ChatBuffer buffer in Buffers.All)
        {
            if (buffer.Kind == BufferKind.Server || buffer.SeenSeq <= buffer.ReadSeq)
            {
                buffer.MarkReadDue = null;
                continue;
            }

            buffer.MarkReadDue ??= Now + MarkReadDelay;
            bool inRoom = buffer.Kind != BufferKind.Room || buffer.Joined && !buffer.AwaitingRejoin;
            if ((flush || buffer.MarkReadDue <= Now) && inRoom && _backend.IsConnected)
            {
                MarkRead(buffer);
            }
        }
    }

    private void MarkRead(ChatBuffer buffer)
    {
        ulong seq = buffer.SeenSeq;
        ulong before = buffer.ReadSeq;
        buffer.ReadSeq = seq;
        buffer.MarkReadDue = null;
        Then(
            _backend.MarkReadAsync(buffer.Target, seq),
            () => { },
            ex =>
            {
                // Lost with the connection: try again once back. Refused: the server will not take it; leave it.
                if (ex is not ParleyRequestException && buffer.ReadSeq == seq)
                {
                    buffer.ReadSeq = before;
                }
            });
    }

    private void ShowUnreadNotice(UnreadConversation u) =>
        Notice(Buffers.Server, string.Create(
            CultureInfo.InvariantCulture,
            $"{Words.Count(u.UnreadCount, "unread direct message")} from {TerminalText.Line(u.Peer)} (buffer {Buffers.NumberOf(Buffers.Open(BufferKind.Direct, u.Peer))})"));
}
