using Parley.Protocol.Messages;

namespace Parley.Tui.Model;

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

// A room's modes and the role and mute of its members (from Joined, Members and the moderation events).
public sealed partial class ChatBuffer
{
    private readonly Dictionary<string, MemberMark> _marks = new(StringComparer.Ordinal);

    /// <summary>The room's modes and owner; null before the server said.</summary>
    public RoomModes? Modes { get; set; }

    /// <summary>Replaces every member's mark with the server's list (members not in it are plain).</summary>
    public void SetStates(IEnumerable<MemberState> states)
    {
        _marks.Clear();
        foreach (MemberState s in states)
        {
            SetMark(s.Nick, new MemberMark(s.Role, s.Muted ? DateTimeOffset.MaxValue : null));
        }
    }

    public MemberMark MarkOf(string nick) => _marks.GetValueOrDefault(Names.Key(nick));

    public void SetMark(string nick, MemberMark mark)
    {
        if (mark.IsPlain)
        {
            ForgetState(nick);
        }
        else
        {
            _marks[Names.Key(nick)] = mark;
        }
    }

    private void ForgetState(string nick) => _marks.Remove(Names.Key(nick));
}
