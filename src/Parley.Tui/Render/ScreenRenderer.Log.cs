using System.Globalization;
using Parley.Tui.Model;
using Parley.Tui.Text;

namespace Parley.Tui.Render;

// The message log: lines wrapped to the log's width, day separators, the read marker, scrolling.
public static partial class ScreenRenderer
{
    private static void Log(Screen screen, ChatModel model, Layout layout)
    {
        ChatBuffer buffer = model.Current;
        int width = layout.LogWidth;
        int height = layout.BodyHeight;
        int needed = height + buffer.ScrollRows;

        // Wrap from the newest line back, only as far as the screen (and the scroll position) needs.
        var rows = new List<List<Glyph>>();
        IReadOnlyList<ChatLine> lines = buffer.Lines;
        int i = lines.Count - 1;
        for (; i >= 0 && rows.Count < needed; i--)
        {
            List<List<Glyph>> block = FormatLine(model, lines[i]).Wrap(width, IndentOf(model, lines[i]));
            if (buffer.ReadMarker == i && i > 0)
            {
                block.Insert(0, Separator("new", width, Role.ReadMarker));
            }

            // Between days, and above the first line when it is not from today (a backlog from yesterday says so).
            DateOnly day = Day(model, lines[i].Time);
            if (i > 0 ? Day(model, lines[i - 1].Time) != day : day != Day(model, model.Now))
            {
                block.Insert(0, Separator(DayName(model, lines[i].Time), width, Role.DaySeparator));
            }

            rows.InsertRange(0, block);
        }

        if (i < 0)
        {
            // Everything is laid out: the scroll position cannot go above the first row.
            buffer.ScrollRows = Math.Clamp(buffer.ScrollRows, 0, Math.Max(0, rows.Count - height));
        }

        int end = rows.Count - buffer.ScrollRows;
        int start = Math.Max(0, end - height);
        for (int r = start; r < end; r++)
        {
            int x = layout.LogLeft;
            foreach (Glyph g in rows[r])
            {
                x = screen.Put(x, layout.BodyTop + r - start, g.Text, g.Width, g.Style, layout.LogRight);
            }
        }

        if (buffer.ScrollRows > 0)
        {
            int y = layout.BodyTop + height - 1;
            string more = buffer.NewBelow > 0
                ? string.Create(CultureInfo.InvariantCulture, $"-- more below ({buffer.NewBelow} new) --")
                : "-- more below --";
            screen.Fill(layout.LogLeft, y, layout.LogRight, Role.MoreBelow);
            screen.Write(layout.LogLeft, y, more, Role.MoreBelow, layout.LogRight);
        }
    }

    private static List<Glyph> Separator(string label, int width, Role role)
    {
        var line = new GlyphLine().Add($"─── {label} ", role);
        line.Add(new string('─', Math.Max(0, width - line.Width)), role);
        return line.Wrap(width, 0)[0];
    }

    private static DateOnly Day(ChatModel model, DateTimeOffset time) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, model.Options.TimeZone).DateTime);

    private static string DayName(ChatModel model, DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, model.Options.TimeZone).ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>Where wrapped rows of a line start: under its text, after the timestamp and nickname.</summary>
    private static int IndentOf(ChatModel model, ChatLine line) =>
        CellWidth.Of(model.Timestamp(line.Time)) + 1 + line.Kind switch
        {
            LineKind.Message => CellWidth.Of(line.Nick) + 3,
            LineKind.Action => CellWidth.Of(line.Nick) + 3,
            LineKind.Joined or LineKind.Left => 4,
            LineKind.Error => 3,
            _ => 3,
        };

    /// <summary>A log line as styled glyphs: <c>12:03 &lt;alice&gt; text</c>, <c>12:03 * alice waves</c>, <c>12:03 --&gt; bob joined</c>.</summary>
    private static GlyphLine FormatLine(ChatModel model, ChatLine line)
    {
        var g = new GlyphLine().Add(model.Timestamp(line.Time) + " ", Role.Timestamp);
        Style nick = line.Own ? Role.OwnNick : new Style(Role.Nick, NickColors.IndexOf(line.Nick));
        Role text = line.State switch
        {
            SendState.Pending => Role.Pending,
            SendState.Failed => Role.Failed,
            _ => line.Kind switch
            {
                LineKind.Action => Role.ActionText,
                LineKind.Joined => Role.Joined,
                LineKind.Left or LineKind.Away => Role.Left,
                LineKind.Notice => Role.Notice,
                LineKind.Error => Role.Error,
                _ => Role.Text,
            },
        };
        switch (line.Kind)
        {
            case LineKind.Message:
                g.Add("<", Role.Timestamp).Add(line.Nick, nick).Add("> ", Role.Timestamp);
                break;
            case LineKind.Action:
                g.Add("* ", Role.ActionText).Add(line.Nick, nick).Add(" ", Role.ActionText);
                break;
            case LineKind.Joined:
                g.Add("--> ", Role.Joined);
                break;
            case LineKind.Left:
                g.Add("<-- ", Role.Left);
                break;
            case LineKind.Error:
                g.Add("!! ", Role.Error);
                break;
            case LineKind.Away:
                g.Add("-- ", Role.Left);
                break;
            default:
                g.Add("-- ", Role.Notice);
                break;
        }

        for (int i = 0; i < line.Text.Count; i++)
        {
            if (i > 0)
            {
                g.Break();
            }

            AddText(g, line.Text[i], text, line.MentionOf);
        }

        if (line.State == SendState.Pending)
        {
            g.Add(" [pending]", Role.Pending);
        }
        else if (line.State == SendState.Failed)
        {
            g.Add($" [not sent: {line.Failure}]", Role.Failed);
        }

        return g;
    }

    /// <summary>Text with every word-bounded occurrence of the mentioned nickname highlighted.</summary>
    private static void AddText(GlyphLine g, string text, Style style, string? mention)
    {
        int at = 0;
        if (mention is not null)
        {
            foreach ((int start, int length) in Names.MentionRanges(text, mention))
            {
                g.Add(text[at..start], style).Add(text.Substring(start, length), Role.Mention);
                at = start + length;
            }
        }

        g.Add(text[at..], style);
    }
}
