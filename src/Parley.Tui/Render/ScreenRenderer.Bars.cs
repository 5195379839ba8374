using System.Text;
using Parley.Client;
using Parley.Tui.Model;
using Parley.Tui.Text;

namespace Parley.Tui.Render;

// The status line and the input line.
public static partial class ScreenRenderer
{
    private static void StatusLine(Screen screen, ChatModel model, Layout layout)
    {
        int y = layout.StatusRow;
        screen.Fill(0, y, layout.Width, Role.StatusBar);
        ConnectionStatus status = model.Status;
        string nick = TerminalText.Line(model.Nick);
        int x = screen.Write(0, y, $"[{model.Timestamp(model.Now)}] [{(nick.Length > 0 ? nick : "?")}{(model.AwayMessage is null ? string.Empty : " (away)")}] [{status.Endpoint}: ", Role.StatusBar);
        x = screen.Write(x, y, status.Describe(model.Now), status.State == ConnectionState.Connected ? Role.StatusBar : Role.StatusAlert);
        x = screen.Write(x, y, "]", Role.StatusBar);
        string lag = status.DescribeLag();
        if (lag.Length > 0)
        {
            x = screen.Write(x, y, $" [{lag}]", Role.StatusBar);
        }

        if (model.PendingCount > 0)
        {
            x = screen.Write(x, y, $" [{model.PendingCount} pending]", Role.StatusAlert);
        }

        x = screen.Write(x, y, $" [{model.Buffers.NumberOf(model.Current)}:{model.Current.Name}]", Role.StatusBar);
        string activity = Activity(model);
        if (activity.Length > 0)
        {
            screen.Write(x, y, $" [act: {activity}]", Role.StatusAlert);
        }
    }

    /// <summary><c>3,5!,6*</c>: the numbers of buffers with unread messages; ! a mention, * a direct message.</summary>
    private static string Activity(ChatModel model)
    {
        var sb = new StringBuilder();
        IReadOnlyList<ChatBuffer> all = model.Buffers.All;
        for (int i = 0; i < all.Count; i++)
        {
            ChatBuffer b = all[i];
            if (b == model.Current || b.Unread == 0)
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(i + 1);
            if (b.Highlighted)
            {
                sb.Append(b.Kind == BufferKind.Direct ? '*' : '!');
            }
        }

        return sb.ToString();
    }

    private static void InputLine(Screen screen, ChatModel model, Layout layout)
    {
        int y = layout.InputRow;
        screen.Fill(0, y, layout.Width, Role.Input);
        if (model.Question is { } question)
        {
            int qx = screen.Write(0, y, question.Prompt + " ", Role.Question);
            screen.Cursor = (Math.Min(qx, layout.Width - 1), y);
            return;
        }

        string prompt = CellWidth.Fit($"[{model.Current.Name}] ", layout.Width / 3);
        int left = screen.Write(0, y, prompt, Role.Input);
        int room = layout.Width - left - 1;

        // The text as cells (a line break shows as ↵), and the column of the cursor within it.
        var glyphs = new List<(string G, int W)>();
        int cursorColumn = 0;
        int index = 0;
        string text = model.Input.Text;
        foreach (string g in CellWidth.Graphemes(text))
        {
            if (index == model.Input.Cursor)
            {
                cursorColumn = glyphs.Sum(x => x.W);
            }

            string shown = g == "\n" ? "↵" : TerminalText.Line(g);
            int w = CellWidth.Of(shown);
            if (w > 0)
            {
                glyphs.Add((shown, w));
            }

            index += g.Length;
        }

        if (model.Input.Cursor >= text.Length)
        {
            cursorColumn = glyphs.Sum(x => x.W);
        }

        // Scroll sideways so the cursor stays in view, keeping a little context to its left.
        int scroll = cursorColumn < room ? 0 : cursorColumn - room + Math.Min(10, room / 4);
        int column = 0;
        int xPos = left;
        foreach ((string g, int w) in glyphs)
        {
            if (column >= scroll)
            {
                if (xPos + w > layout.Width)
                {
                    break;
                }

                xPos = screen.Put(xPos, y, g, w, Role.Input);
            }

            column += w;
        }

        screen.Cursor = (Math.Min(left + cursorColumn - scroll, layout.Width - 1), y);
    }
}
