namespace Parley.Tui.Render;

/// <summary>What a cell shows, which decides its colours (the Terminal layer maps roles to its attributes).</summary>
public enum Role
{
    Default,
    Timestamp,

    /// <summary>Another user's nickname, in <see cref="Style.Color"/> (see <c>Text/NickColors</c>).</summary>
    Nick,
    OwnNick,
    Text,
    ActionText,
    Joined,
    Left,
    Notice,
    Error,

    /// <summary>Our nickname where someone mentions it.</summary>
    Mention,
    DaySeparator,
    ReadMarker,
    MoreBelow,
    Pending,
    Failed,
    BufferItem,
    BufferCurrent,
    BufferActivity,
    BufferHighlight,
    Divider,
    MemberHeader,
    MemberSelf,

    /// <summary>A member known to be away (dimmed).</summary>
    MemberAway,
    TopicBar,
    StatusBar,
    StatusAlert,
    Input,
    Question,
    TooSmall,
}

/// <summary>A cell's role, and for <see cref="Role.Nick"/> the nickname's palette index.</summary>
public readonly record struct Style(Role Role, int Color = 0)
{
    public static implicit operator Style(Role role) => new(role);
}

/// <summary>One terminal cell: a grapheme cluster (empty for the right half of a wide one) and its style.</summary>
public readonly record struct Cell(string Text, Style Style)
{
    public static readonly Cell Blank = new(" ", Role.Default);

    /// <summary>The right half of a two-column character: draw nothing here.</summary>
    public bool IsContinuation => Text.Length == 0;
}
