namespace Parley.Tui.Render;

/// <summary>
/// Where each part of the screen goes for a terminal of a given size:
/// <code>
/// row 0        topic bar: the buffer's name and topic
/// rows 1..h-3  buffer list │ message log │ member list (F8)
/// row h-2      status line: time, nickname, server, connection state, lag, buffer, activity
/// row h-1      input line
/// </code>
/// Below <see cref="MinWidth"/> x <see cref="MinHeight"/> nothing fits sensibly and the screen says so instead.
/// The side panels give way first on narrow terminals.
/// </summary>
public readonly record struct Layout(int Width, int Height, int BufferListWidth, int MemberListWidth)
{
    public const int MinWidth = 40;
    public const int MinHeight = 8;

    public bool TooSmall => Width < MinWidth || Height < MinHeight;

    public int BodyTop => 1;

    public int BodyHeight => Height - 3;

    public int StatusRow => Height - 2;

    public int InputRow => Height - 1;

    /// <summary>First column of the log (after the buffer list and its divider).</summary>
    public int LogLeft => BufferListWidth > 0 ? BufferListWidth + 1 : 0;

    /// <summary>Column after the log (before the member list's divider).</summary>
    public int LogRight => MemberListWidth > 0 ? Width - MemberListWidth - 1 : Width;

    public int LogWidth => LogRight - LogLeft;

    public static Layout For(int width, int height, bool showMembers, int longestBufferEntry)
    {
        int buffers = width >= 60 ? Math.Clamp(longestBufferEntry, 12, 22) : 0;
        int members = showMembers && width >= 80 ? 18 : 0;
        return new Layout(width, height, buffers, members);
    }
}
