using Parley.Protocol.Messages;
using Parley.Tui.Text;

namespace Parley.Tui.Model;

// A room's members, and what the server says about them: away, operator or owner, muted.
public sealed partial class ChatBuffer
{
    private readonly SortedDictionary<string, string> _members = new(StringComparer.Ordinal);
    // By nickname key: away members with their messages, members with a role, muted members.
    private readonly Dictionary<string, string> _away = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberRole> _roles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _muted = new(StringComparer.Ordinal);

    /// <summary>Members in name order (display names, safe to draw).</summary>
    public IEnumerable<string> Members => _members.Values;

    /// <summary>The room's modes as last heard (from a join or a change); null before any.</summary>
    public RoomModes? Modes { get; set; }

    /// <summary>Replaces the member list, with the away states <paramref name="states"/> lists (from Joined or Members).</summary>
    public void SetMembers(IEnumerable<string> nicks, IEnumerable<MemberState>? states = null)
    {
        _members.Clear();
        _away.Clear();
        _roles.Clear();
        _muted.Clear();
        foreach (string nick in nicks)
        {
            AddMember(nick);
        }

        foreach (MemberState state in states ?? [])
        {
            SetAway(state.Nick, state.AwayMessage);
            SetRole(state.Nick, state.Role);
            SetMuted(state.Nick, state.Muted);
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
        _roles.Remove(key);
        _muted.Remove(key);
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
        (string? away, MemberRole role, bool muted) = (AwayMessageOf(from), RoleOf(from), IsMuted(from));
        bool had = RemoveMember(from);
        if (had)
        {
            AddMember(to);
            SetAway(to, away);
            SetRole(to, role);
            SetMuted(to, muted);
        }

        int i = _recentSpeakers.FindIndex(n => Names.Same(n, from));
        if (i >= 0)
        {
            _recentSpeakers[i] = TerminalText.Line(to);
        }

        return had;
    }

    public void SetRole(string nick, MemberRole role)
    {
        if (role == MemberRole.Member)
        {
            _roles.Remove(Names.Key(nick));
        }
        else if (nick.Length > 0)
        {
            _roles[Names.Key(nick)] = role;
        }
    }

    public MemberRole RoleOf(string nick) => _roles.GetValueOrDefault(Names.Key(nick));

    public void SetMuted(string nick, bool muted)
    {
        if (muted)
        {
            _muted.Add(Names.Key(nick));
        }
        else
        {
            _muted.Remove(Names.Key(nick));
        }
    }

    public bool IsMuted(string nick) => _muted.Contains(Names.Key(nick));
}
