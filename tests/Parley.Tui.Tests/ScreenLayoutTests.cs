using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Input;
using Parley.Tui.Render;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class ScreenLayoutTests
{
    [Fact]
    public void The_screen_has_a_topic_bar_buffer_list_log_member_list_status_line_and_input_line()
    {
        var chat = new Chat();
        chat.Join("#general", "alice", "bob");
        chat.Model.Apply(new TopicChangedEvent(new TopicChanged { Room = "#general", Topic = "welcome all", By = "bob" }));
        chat.Said("#general", "bob", "hello there").Type("half typed");
        Screen screen = chat.Render(100, 20);
        Assert.StartsWith(" #general: welcome all", screen.RowText(0), StringComparison.Ordinal);
        Assert.Contains(" 1.127.0.0.1:7275", screen.RowText(1), StringComparison.Ordinal);
        Assert.Contains(" 2.#general", screen.RowText(2), StringComparison.Ordinal);
        Assert.Contains("10:00 <bob> hello there", screen.ToString(), StringComparison.Ordinal);
        Assert.Contains("2 members", screen.RowText(1), StringComparison.Ordinal);
        Assert.Contains("[alice] [127.0.0.1:7275: connected] [2:#general]", screen.RowText(18), StringComparison.Ordinal);
        Assert.StartsWith("[#general] half typed", screen.RowText(19), StringComparison.Ordinal);
        Assert.Equal((21, 19), screen.Cursor);
    }

    [Fact]
    public void F8_hides_and_shows_the_member_list()
    {
        var chat = new Chat();
        chat.Join("#general", "alice", "bob");
        Assert.Contains("│2 members", chat.Screen(), StringComparison.Ordinal);
        chat.Press(KeyName.F8);
        Assert.DoesNotContain("│2 members", chat.Screen(), StringComparison.Ordinal);
        chat.Press(KeyName.F8);
        Assert.Contains("│2 members", chat.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_too_small_gets_a_message_instead_of_a_broken_layout()
    {
        var chat = new Chat();
        string screen = chat.Screen(30, 5);
        Assert.Contains("terminal too small (30x5)", screen.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("[alice]", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_line_counts_down_to_the_next_reconnect_attempt()
    {
        var chat = new Chat();
        chat.Model.Apply(new DisconnectedEvent(new DisconnectInfo(QuitReason.ConnectionLost, "reset"), WillReconnect: true));
        chat.Model.Apply(new ReconnectingEvent(3, TimeSpan.FromSeconds(8), null));
        Assert.Contains("reconnecting in 8 s (try 3)", chat.Render().RowText(22), StringComparison.Ordinal);
        chat.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains("reconnecting in 3 s (try 3)", chat.Render().RowText(22), StringComparison.Ordinal);
        chat.Model.Apply(new ConnectedEvent("127.0.0.1:7275", "alice", new Welcome { Nick = "alice" }));
        Assert.Contains(": connected]", chat.Render().RowText(22), StringComparison.Ordinal);
    }

    [Fact]
    public void The_clock_asks_for_a_redraw_when_the_minute_changes_or_while_counting_down()
    {
        var chat = new Chat();
        Assert.True(chat.Model.Tick());
        Assert.False(chat.Model.Tick());
        chat.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(chat.Model.Tick());
        chat.Model.Apply(new ReconnectingEvent(1, TimeSpan.FromSeconds(4), null));
        Assert.True(chat.Model.Tick());
        Assert.True(chat.Model.Tick());
    }

    [Fact]
    public void The_status_line_shows_the_lag_once_measured()
    {
        var chat = new Chat();
        chat.Model.SetLag(TimeSpan.FromMilliseconds(42));
        Assert.Contains("[lag 42 ms]", chat.Render().RowText(22), StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamps_are_local_hours_and_minutes_and_a_separator_marks_a_new_day()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 58, 0, TimeSpan.Zero));
        chat.Said("#a", "bob", "late");
        chat.Time.Advance(TimeSpan.FromMinutes(5));
        chat.Said("#a", "bob", "early");
        string screen = chat.Screen();
        Assert.Contains("23:58 <bob> late", screen, StringComparison.Ordinal);
        Assert.Contains("─── Tuesday 24 November 2026 ───", screen, StringComparison.Ordinal);
        Assert.Contains("00:03 <bob> early", screen, StringComparison.Ordinal);
        Assert.True(screen.IndexOf("late", StringComparison.Ordinal) < screen.IndexOf("Tuesday", StringComparison.Ordinal));
    }

    [Fact]
    public void Actions_joins_leaves_quits_and_topic_changes_read_as_such()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Said("#a", "bob", "waves", action: true);
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Joined, Room = "#a", Nick = "carol" }));
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Left, Room = "#a", Nick = "carol", Message = "lunch" }));
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Quit, Room = "#a", Nick = "bob", Reason = QuitReason.ConnectionLost }));
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Nick, Room = "#a", Nick = "dave", NewNick = "david" }));
        chat.Model.Apply(new TopicChangedEvent(new TopicChanged { Room = "#a", Topic = "new topic", By = "david" }));
        string screen = chat.Screen();
        Assert.Contains("* bob waves", screen, StringComparison.Ordinal);
        Assert.Contains("--> carol joined #a", screen, StringComparison.Ordinal);
        Assert.Contains("<-- carol left (lunch)", screen, StringComparison.Ordinal);
        Assert.Contains("<-- bob quit (connection lost)", screen, StringComparison.Ordinal);
        Assert.Contains("dave is now known as david", screen, StringComparison.Ordinal);
        Assert.Contains("david set the topic: new topic", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Nicknames_are_coloured_by_their_hash_and_our_own_is_distinct()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Said("#a", "bob", "hi").Said("#a", "alice", "hello");
        Screen screen = chat.Render();
        (int x, int y) bob = Find(screen, "bob>");
        (int x, int y) alice = Find(screen, "alice>");
        Assert.Equal(new Style(Role.Nick, Text.NickColors.IndexOf("bob")), screen[bob.x, bob.y].Style);
        Assert.Equal(Role.OwnNick, screen[alice.x, alice.y].Style.Role);
    }

    [Fact]
    public void Wide_characters_take_two_cells_and_the_text_after_them_lines_up()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Said("#a", "bob", "日本語 🎉 ok");
        Screen screen = chat.Render();
        (int x, int y) = Find(screen, "日");
        Assert.True(screen[x + 1, y].IsContinuation);
        Assert.Equal("本", screen[x + 2, y].Text);
        Assert.Equal("🎉", screen[x + 7, y].Text);
        Assert.Equal("o", screen[x + 10, y].Text);
    }

    [Fact]
    public void Long_lines_wrap_under_the_text_not_under_the_timestamp()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Said("#a", "bob", string.Join(' ', Enumerable.Repeat("word", 40)));
        Screen screen = chat.Render(80, 24);
        (int x, int y) = Find(screen, "<bob>");
        string next = screen.RowText(y + 1);
        Assert.Equal("word", next.Substring(x + 6, 4));
    }

    [Fact]
    public void A_mention_is_highlighted()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Said("#a", "bob", "hey Alice, look");
        Screen screen = chat.Render();
        (int x, int y) = Find(screen, "Alice,");
        Assert.Equal(Role.Mention, screen[x, y].Style.Role);
        Assert.Equal(Role.Mention, screen[x + 4, y].Style.Role);
        Assert.NotEqual(Role.Mention, screen[x + 5, y].Style.Role);
    }

    internal static (int X, int Y) Find(Screen screen, string text)
    {
        for (int y = 0; y < screen.Height; y++)
        {
            // Column index of a match, counting cells (a wide character's continuation cell is empty text).
            for (int x = 0; x < screen.Width; x++)
            {
                if (Matches(screen, x, y, text))
                {
                    return (x, y);
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"'{text}' is not on the screen:\n{screen}");
    }

    private static bool Matches(Screen screen, int x, int y, string text)
    {
        int i = 0;
        for (int cx = x; cx < screen.Width && i < text.Length; cx++)
        {
            string cell = screen[cx, y].Text;
            if (cell.Length == 0)
            {
                continue;
            }

            if (string.CompareOrdinal(text, i, cell, 0, cell.Length) != 0)
            {
                return false;
            }

            i += cell.Length;
        }

        return i >= text.Length;
    }
}
