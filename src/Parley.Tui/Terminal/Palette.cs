using Parley.Tui.Render;
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Parley.Tui.Terminal;

/// <summary>
/// Colours for each <see cref="Role"/>. Only the 16 ANSI colours, on the terminal's own background
/// (<see cref="Color.None"/>), so the screen reads on dark and light themes and over SSH to old terminals.
/// </summary>
internal static class Palette
{
    /// <summary>Nickname colours, indexed by <c>NickColors.IndexOf</c>; no greys, no white, no black.</summary>
    private static readonly ColorName16[] Nicks =
    [
        ColorName16.Red, ColorName16.Green, ColorName16.Yellow, ColorName16.Blue, ColorName16.Magenta, ColorName16.Cyan,
        ColorName16.BrightRed, ColorName16.BrightGreen, ColorName16.BrightYellow, ColorName16.BrightBlue,
        ColorName16.BrightMagenta, ColorName16.BrightCyan,
    ];

    public static Attribute Of(Style style) => style.Role switch
    {
        Role.Nick => Fg(Nicks[((style.Color % Nicks.Length) + Nicks.Length) % Nicks.Length]),
        Role.OwnNick => Fg(ColorName16.White, TextStyle.Bold),
        Role.Timestamp or Role.Divider or Role.Pending => Fg(ColorName16.DarkGray),
        Role.ActionText => Fg(ColorName16.Magenta),
        Role.Joined => Fg(ColorName16.Green),
        Role.Left => Fg(ColorName16.DarkGray),
        Role.Notice => Fg(ColorName16.Cyan),
        Role.Error or Role.Failed => Fg(ColorName16.BrightRed),
        Role.Mention => new Attribute(new Color(ColorName16.Black), new Color(ColorName16.BrightYellow), TextStyle.Bold),
        Role.DaySeparator => Fg(ColorName16.Yellow),
        Role.ReadMarker => Fg(ColorName16.BrightRed),
        Role.MoreBelow => new Attribute(new Color(ColorName16.Black), new Color(ColorName16.Yellow)),
        Role.BufferCurrent => new Attribute(Color.None, Color.None, TextStyle.Reverse),
        Role.BufferHighlight => Fg(ColorName16.BrightRed, TextStyle.Bold),
        Role.BufferActivity => Fg(ColorName16.White, TextStyle.Bold),
        Role.MemberHeader => Fg(ColorName16.Gray, TextStyle.Underline),
        Role.MemberSelf => Fg(ColorName16.White, TextStyle.Bold),
        Role.MemberAway => Fg(ColorName16.DarkGray, TextStyle.Faint),
        Role.TopicBar or Role.StatusBar => new Attribute(new Color(ColorName16.White), new Color(ColorName16.Blue)),
        Role.StatusAlert => new Attribute(new Color(ColorName16.BrightYellow), new Color(ColorName16.Blue), TextStyle.Bold),
        Role.Question or Role.TooSmall => Fg(ColorName16.BrightYellow, TextStyle.Bold),
        _ => new Attribute(Color.None, Color.None),
    };

    private static Attribute Fg(ColorName16 color, TextStyle style = TextStyle.None) => new(new Color(color), Color.None, style);
}
