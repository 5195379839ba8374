using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// A room's members, and what the server says about them: away, operator or owner, muted.
public sealed partial class ChatBuffer
{
    private readonly SortedDictionary<string, string> _members = new(StringComparer.Ordinal);
    // By nickname key: away members with their messages; members with a role or a mute (plain ones are not kept).
    private readonly Dictionary<string, string> _away = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberMark> _marks = new(StringComparer.Ordinal);

    /// <summary>Members in name order (display names, safe to draw).</summary>
    public IEnumerable<string> Members => _members.Values;

    /// <summary>The room's modes as last heard (from a join or a change); null before any.</summary>
    public RoomModes? Modes { get; set; }

    /// <summary>
    /// Replaces the member list, with the away states, roles and mutes <paramref name="states"/> lists (from Joined
    /// or Members; members not in it are plain and here).
    /// </summary>
    public void SetMembers(IEnumerable<string> nicks, IEnumerable<MemberState>? states = null)
    {
        _members.Clear();
        _away.Clear();
        _marks.Clear();
        foreach (string nick in nicks)
        {
            AddMember(nick);
        }

        foreach (MemberState state in states ?? [])
        {
            SetAway(state.Nick, state.AwayMessage);
            SetMark(state.Nick, new MemberMark(state.Role, state.Muted ? DateTimeOffset.MaxValue : null));
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
        string key = Names.Key(nick);
        _away.Remove(key);
        _marks.Remove(key);
        return _members.Remove(key);
    }

    public bool HasMember(string nick) => _members.ContainsKey(Names.Key(nick));

    /// <summary>Marks a member away with <paramref name="message"/>, or back with null or empty.</summary>
    public void SetAway(string nick, string? message)
    {
        string key = Names.Key(nick);
        if (string.IsNullOrEmpty(message))
        {
            _away.Remove(key);
        }
        else if (nick.Length > 0)
        {
            _away[key] = TerminalText.Line(message);
        }
    }

    public bool IsAway(string nick) => _away.ContainsKey(Names.Key(nick));

    /// <summary>The member's away message (safe to draw), or null when it is not away.</summary>
    public string? AwayMessageOf(string nick) => _away.GetValueOrDefault(Names.Key(nick));

    /// <summary>A member changed nickname: the member list, its away state, role and mute, and recent speakers follow.</summary>
    public bool RenameMember(string from, string to)
    {
        (string? away, MemberMark mark) = (AwayMessageOf(from), MarkOf(from));
        bool had = RemoveMember(from);
        if (had)
        {
            AddMember(to);
            SetAway(to, away);
            SetMark(to, mark);
        }

        int i = _recentSpeakers.FindIndex(n => Names.Same(n, from));
        if (i >= 0)
        {
            _recentSpeakers[i] = TerminalText.Line(to);
        }

        return had;
    }

    /// <summary>The member's role and mute (plain when the server said nothing about it).</summary>
    public MemberMark MarkOf(string nick) => _marks.GetValueOrDefault(Names.Key(nick));

    public void SetMark(string nick, MemberMark mark)
    {
        if (mark.IsPlain)
        {
            _marks.Remove(Names.Key(nick));
        }
        else if (nick.Length > 0)
        {
            _marks[Names.Key(nick)] = mark;
        }
    }

    public MemberRole RoleOf(string nick) => MarkOf(nick).Role;

    public bool IsMuted(string nick) => MarkOf(nick).MutedUntil is not null;
}

/// <summary>A room member's role and mute, as the member list marks them.</summary>
/// <param name="Role">Owner, operator or plain member.</param>
/// <param name="MutedUntil">Null when not muted; <see cref="DateTimeOffset.MaxValue"/> for a mute until lifted.</param>
public readonly record struct MemberMark(MemberRole Role, DateTimeOffset? MutedUntil)
{
    public bool IsPlain => Role == MemberRole.Member && MutedUntil is null;

    /// <summary>The member list's prefix: <c>~</c> owner, <c>@</c> operator, <c>-</c> muted, else nothing.</summary>
    public string Prefix => Role switch
    {
        MemberRole.Owner => "~",
        MemberRole.Operator => "@",
        _ => MutedUntil is null ? string.Empty : "-",
    };
}
