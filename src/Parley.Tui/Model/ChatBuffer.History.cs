namespace Parley.Tui.Model;

// The conversation's messages as the server numbers them: backlog insertion without duplicates, and what
// has been read (the read marker the server keeps).
public sealed partial class ChatBuffer
{
    // Server ids of the messages in the log: a message that arrives twice (live, and again in a backlog
    // or a replay) is shown once.
    private readonly HashSet<ulong> _messageIds = [];

    /// <summary>The highest sequence number of the conversation known here (from a message, or the join).</summary>
    public ulong LastSeq { get; private set; }

    /// <summary>The highest sequence number the user has seen (the buffer shown, at the bottom).</summary>
    public ulong SeenSeq { get; private set; }

    /// <summary>The read marker as the server holds it, as far as this client knows (joined, welcomed, or marked since).</summary>
    public ulong ReadSeq { get; set; }

    /// <summary>When the next MarkRead for this buffer goes out; null when none is waiting.</summary>
    public DateTimeOffset? MarkReadDue { get; set; }

    /// <summary>Where the backlog goes in <see cref="Lines"/> while it is on its way (or failed to come); null when none is expected.</summary>
    public int? BacklogAt { get; set; }

    /// <summary>The sequence number the backlog ends at (<c>Joined.last_seq</c>): everything after it arrives live.</summary>
    public ulong BacklogThrough { get; set; }

    /// <summary>The server counts <paramref name="count"/> unread messages here (<c>Welcome.unread</c>).</summary>
    public void CountUnread(int count)
    {
        Unread = Math.Max(Unread, count);
        Highlighted |= count > 0 && Kind == BufferKind.Direct;
    }

    /// <summary>
    /// The user read the conversation up to <paramref name="seq"/> on another device: the messages up to there stop
    /// counting as unread (and no MarkRead goes back for them).
    /// </summary>
    public void ReadElsewhere(ulong seq)
    {
        ReadSeq = Math.Max(ReadSeq, seq);
        SeenSeq = Math.Max(SeenSeq, Math.Min(seq, LastSeq));
        int still = _lines.Count(l => l.Seq > seq && l.Kind is LineKind.Message or LineKind.Action && !l.Own);
        if (still < Unread)
        {
            Unread = still;
        }

        Highlighted &= Unread > 0;
    }

    /// <summary>The message with this server id is in the log already.</summary>
    public bool Contains(ulong messageId) => messageId != 0 && _messageIds.Contains(messageId);

    /// <summary>The conversation has reached <paramref name="seq"/> (announced by a join, say).</summary>
    public void NoteSeq(ulong seq) => LastSeq = Math.Max(LastSeq, seq);

    /// <summary>The user sees the end of the log: everything in it counts as read from now on.</summary>
    public void NoteSeen() => SeenSeq = Math.Max(SeenSeq, LastSeq);

    /// <summary>
    /// A direct conversation's peer changed nickname: the messages from now on belong to another conversation
    /// (the protocol names DM conversations by nickname), with its own sequence numbers.
    /// </summary>
    public void StartNewConversation()
    {
        LastSeq = 0;
        SeenSeq = 0;
        ReadSeq = 0;
        MarkReadDue = null;
    }

    /// <summary>
    /// Puts a backlog (history lines, oldest first) at <see cref="BacklogAt"/>, leaving out messages already here, and
    /// places the read marker before the first of them above <paramref name="readSeq"/> when the user had read
    /// some of the backlog (not when all of it or none of it was read). Returns how many lines went in.
    /// </summary>
    public int InsertBacklog(IReadOnlyList<ChatLine> backlog, ulong readSeq)
    {
        int at = Math.Clamp(BacklogAt ?? _lines.Count, 0, _lines.Count);
        BacklogAt = null;
        List<ChatLine> fresh = [.. backlog.Where(l => !Contains(l.MessageId))];
        if (fresh.Count == 0)
        {
            return 0;
        }

        _lines.InsertRange(at, fresh);
        foreach (ChatLine line in fresh)
        {
            Track(line);
        }

        if (ReadMarker is { } marker && marker >= at)
        {
            ReadMarker = marker + fresh.Count;
        }

        int firstUnread = fresh.FindIndex(l => l.Seq > readSeq);
        if (ReadMarker is null && readSeq > 0 && firstUnread > 0)
        {
            ReadMarker = at + firstUnread;
        }

        TrimToMax();
        return fresh.Count;
    }

    private void Track(ChatLine line)
    {
        if (line.MessageId != 0)
        {
            _messageIds.Add(line.MessageId);
        }

        NoteSeq(line.Seq);
    }

    private void TrimToMax()
    {
        while (_lines.Count > MaxLines)
        {
            RemoveAt(0);
        }
    }

    private void RemoveAt(int i)
    {
        _messageIds.Remove(_lines[i].MessageId);
        _lines.RemoveAt(i);
        ReadMarker = ReadMarker switch
        {
            { } m when m > i => m - 1,
            0 when i == 0 => null,
            var m => m,
        };
        if (BacklogAt is { } b && b > i)
        {
            BacklogAt = b - 1;
        }
    }
}
