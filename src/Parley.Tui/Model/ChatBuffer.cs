using Parley.Tui.Input;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

/// <summary>
/// One conversation on screen: the server buffer, a room, or a direct conversation. Holds its log, unread
/// state, read marker, scroll position, members, and the input history and draft of its own input line.
/// Touched only on the UI thread.
/// </summary>
public sealed partial class ChatBuffer
{
    /// <summary>Lines kept per buffer; the oldest go first (scroll-back is local).</summary>
    public const int MaxLines = 5000;

    private readonly List<ChatLine> _lines = [];
    private readonly SortedDictionary<string, string> _members = new(StringComparer.Ordinal);
    private readonly List<string> _recentSpeakers = [];

    public ChatBuffer(BufferKind kind, string name)
    {
        Kind = kind;
        Rename(name);
    }

    public BufferKind Kind { get; }

    /// <summary>The name as shown: <c>#room</c>, a nickname, or the server's endpoint. Already safe to draw.</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>The name as given, for requests to the server.</summary>
    public string Target { get; private set; } = string.Empty;

    public string Key { get; private set; } = string.Empty;

    public IReadOnlyList<ChatLine> Lines => _lines;

    /// <summary>Messages that arrived while another buffer was shown.</summary>
    public int Unread { get; private set; }

    /// <summary>An unread line mentions us (or, in a direct conversation, any unread message).</summary>
    public bool Highlighted { get; private set; }

    /// <summary>Index of the first line not yet seen when the user last left this buffer; null when none.</summary>
    public int? ReadMarker { get; private set; }

    /// <summary>Rows scrolled up from the bottom; 0 follows new lines.</summary>
    public int ScrollRows { get; set; }

    /// <summary>Lines arrived below while scrolled up.</summary>
    public int NewBelow { get; private set; }

    public string Topic { get; set; } = string.Empty;

    /// <summary>The member count the server reported (may exceed the names we hold for a very large room).</summary>
    public int MemberCount { get; set; }

    /// <summary>For a room: in it now. False after a failed rejoin; messages are refused until /join again.</summary>
    public bool Joined { get; set; } = true;

    /// <summary>For a room, after a reconnect: rejoining has not finished, so lines typed now wait.</summary>
    public bool AwaitingRejoin { get; set; }

    public InputHistory History { get; } = new();

    /// <summary>The input line's text and cursor while another buffer is shown.</summary>
    public (string Text, int Cursor) Draft { get; set; } = (string.Empty, 0);

    /// <summary>Members in name order (display names, safe to draw).</summary>
    public IEnumerable<string> Members => _members.Values;

    /// <summary>Nicknames that spoke here, the most recent first.</summary>
    public IReadOnlyList<string> RecentSpeakers => _recentSpeakers;

    public void Rename(string name)
    {
        Target = name;
        Name = TerminalText.Line(name);
        Key = Names.Key(name);
    }

    public void Add(ChatLine line, bool visible)
    {
        _lines.Add(line);
        if (_lines.Count > MaxLines)
        {
            _lines.RemoveAt(0);
            ReadMarker = ReadMarker is { } m ? (m > 0 ? m - 1 : null) : null;
        }

        if (line.Kind is LineKind.Message or LineKind.Action && !line.Own)
        {
            Spoke(line.Nick);
            if (!visible)
            {
                Unread++;
                Highlighted |= line.IsMention || Kind == BufferKind.Direct;
            }
        }

        if (ScrollRows > 0)
        {
            NewBelow++;
        }
    }

    public bool Remove(ChatLine line)
    {
        int i = _lines.IndexOf(line);
        if (i < 0)
        {
            return false;
        }

        _lines.RemoveAt(i);
        if (ReadMarker is { } m && m > i)
        {
            ReadMarker = m - 1;
        }

        return true;
    }

    public void Clear()
    {
        _lines.Clear();
        ReadMarker = null;
        ScrollRows = 0;
        NewBelow = 0;
    }

    /// <summary>The user looks at this buffer now.</summary>
    public void Shown()
    {
        Unread = 0;
        Highlighted = false;
    }

    /// <summary>The user switches away: what arrives from now on is below the read marker.</summary>
    public void Hidden() => ReadMarker = _lines.Count;

    public void ScrollToBottom()
    {
        ScrollRows = 0;
        NewBelow = 0;
    }

    public void SetMembers(IEnumerable<string> nicks)
    {
        _members.Clear();
        foreach (string nick in nicks)
        {
            AddMember(nick);
        }
    }

    /// <summary>Adds a member; false when already there.</summary>
    public bool AddMember(string nick)
    {
        if (nick.Length == 0)
        {
            return false;
        }

        string key = Names.Key(nick);
        bool added = !_members.ContainsKey(key);
        _members[key] = TerminalText.Line(nick);
        return added;
    }

    public bool RemoveMember(string nick)
    {
        ForgetState(nick);
        return _members.Remove(Names.Key(nick));
    }

    public bool HasMember(string nick) => _members.ContainsKey(Names.Key(nick));

    /// <summary>A member changed nickname: the member list and recent speakers follow.</summary>
    public bool RenameMember(string from, string to)
    {
        MemberMark mark = MarkOf(from);
        bool had = RemoveMember(from);
        if (had)
        {
            AddMember(to);
            SetMark(to, mark);
        }

        int i = _recentSpeakers.FindIndex(n => Names.Same(n, from));
        if (i >= 0)
        {
            _recentSpeakers[i] = TerminalText.Line(to);
        }

        return had;
    }

    private void Spoke(string nick)
    {
        int i = _recentSpeakers.FindIndex(n => Names.Same(n, nick));
        if (i >= 0)
        {
            _recentSpeakers.RemoveAt(i);
        }

        _recentSpeakers.Insert(0, nick);
        if (_recentSpeakers.Count > 50)
        {
            _recentSpeakers.RemoveAt(_recentSpeakers.Count - 1);
        }
    }
}
