using System.Globalization;
using Parley.Tui.Model;
using Parley.Tui.Text;

namespace Parley.Tui.Render;

/// <summary>Draws a <see cref="ChatModel"/> into a <see cref="Screen"/> of a given size. Pure: the same model and size give the same frame.</summary>
public static partial class ScreenRenderer
{
    public static Screen Render(ChatModel model, int width, int height)
    {
        var screen = new Screen(width, height);
        Layout layout = Layout.For(width, height, model.ShowMembers && model.Current.Kind == BufferKind.Room, model.Buffers.All.Max(b => CellWidth.Of(b.Name)) + 6);
        if (layout.TooSmall)
        {
            TooSmall(screen);
            return screen;
        }

        model.LogHeight = layout.BodyHeight;
        TopicBar(screen, model, layout);
        if (layout.BufferListWidth > 0)
        {
            BufferList(screen, model, layout);
            Divider(screen, layout.BufferListWidth, layout);
        }

        Log(screen, model, layout);
        if (layout.MemberListWidth > 0)
        {
            Divider(screen, layout.LogRight, layout);
            MemberList(screen, model, layout);
        }

        StatusLine(screen, model, layout);
        InputLine(screen, model, layout);
        return screen;
    }

    private static void TooSmall(Screen screen)
    {
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"terminal too small ({screen.Width}x{screen.Height}); parley needs at least {Layout.MinWidth}x{Layout.MinHeight}");
        int y = 0;
        int x = 0;
        foreach (string word in message.Split(' '))
        {
            int w = CellWidth.Of(word);
            if (x > 0 && x + w > screen.Width)
            {
                y++;
                x = 0;
            }

            x = screen.Write(x, y, word, Role.TooSmall);
            x = screen.Write(x, y, " ", Role.TooSmall);
        }
    }

    private static void Divider(Screen screen, int x, Layout layout)
    {
        for (int y = layout.BodyTop; y < layout.BodyTop + layout.BodyHeight; y++)
        {
            screen.Write(x, y, "│", Role.Divider);
        }
    }

    private static void TopicBar(Screen screen, ChatModel model, Layout layout)
    {
        ChatBuffer b = model.Current;
        string text = b.Kind switch
        {
            BufferKind.Room when b.Topic.Length > 0 => $" {b.Name}{ModeMark(b)}: {b.Topic}",
            BufferKind.Room => $" {b.Name}{ModeMark(b)}",
            BufferKind.Direct => $" {b.Name} (direct messages)",
            _ => model.Status.ServerName.Length > 0 ? $" {model.Status.ServerName} ({b.Name})" : $" {b.Name}",
        };
        screen.Fill(0, 0, layout.Width, Role.TopicBar);
        screen.Write(0, 0, CellWidth.Fit(text, layout.Width), Role.TopicBar);
    }

    /// <summary>The room's modes that are set, as flags after its name: <c> [+it]</c>.</summary>
    private static string ModeMark(ChatBuffer b)
    {
        string flags = (b.Modes?.InviteOnly == true ? "i" : string.Empty) + (b.Modes?.TopicLocked == true ? "t" : string.Empty);
        return flags.Length > 0 ? $" [+{flags}]" : string.Empty;
    }

    private static void BufferList(Screen screen, ChatModel model, Layout layout)
    {
        IReadOnlyList<ChatBuffer> all = model.Buffers.All;
        int rows = layout.BodyHeight;
        int current = all.ToList().IndexOf(model.Current);
        int first = all.Count <= rows ? 0 : Math.Clamp(current - (rows / 2), 0, all.Count - rows);
        for (int i = first; i < all.Count && i - first < rows; i++)
        {
            ChatBuffer b = all[i];
            int y = layout.BodyTop + i - first;
            Role role = b == model.Current ? Role.BufferCurrent
                : b.Highlighted ? Role.BufferHighlight
                : b.Unread > 0 ? Role.BufferActivity
                : Role.BufferItem;
            // A mention is marked '!', unread direct messages '*', so they stand out without colour too.
            string mark = b.Unread == 0 ? string.Empty
                : b.Highlighted && b.Kind == BufferKind.Direct ? "*"
                : b.Highlighted ? "!" : string.Empty;
            string count = b.Unread > 0 ? string.Create(CultureInfo.InvariantCulture, $" {b.Unread}{mark}") : string.Empty;
            string number = string.Create(CultureInfo.InvariantCulture, $"{i + 1,2}.");
            int end = layout.BufferListWidth;
            screen.Fill(0, y, end, role);
            int x = screen.Write(0, y, number, role, end);
            string name = CellWidth.Fit(b.Name, end - x - CellWidth.Of(count));
            screen.Write(x, y, name, role, end);
            screen.Write(end - CellWidth.Of(count), y, count, role, end);
        }
    }

    private static void MemberList(Screen screen, ChatModel model, Layout layout)
    {
        ChatBuffer b = model.Current;
        int left = layout.LogRight + 1;
        int top = layout.BodyTop;
        if (b.Kind != BufferKind.Room)
        {
            return;
        }

        screen.Write(left, top, CellWidth.Fit(Words.Count(b.MemberCount, "member"), layout.MemberListWidth), Role.MemberHeader);
        int y = top + 1;
        foreach (string nick in b.Members)
        {
            if (y >= top + layout.BodyHeight)
            {
                break;
            }

            bool self = Names.Same(nick, model.Nick);
            bool away = b.IsAway(nick) || self && model.AwayMessage is not null;
            Style style = away ? Role.MemberAway : self ? Role.MemberSelf : new Style(Role.Nick, NickColors.IndexOf(nick));
            string mark = b.MarkOf(nick).Prefix;
            int x = screen.Write(left, y, mark, style);
            screen.Write(x, y, CellWidth.Fit(nick, layout.MemberListWidth - mark.Length), style);
            y++;
        }
    }
}
