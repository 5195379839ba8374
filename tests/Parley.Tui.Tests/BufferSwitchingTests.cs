using Parley.Tui.Input;
using Parley.Tui.Model;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class BufferSwitchingTests
{
    [Fact]
    public void Alt_and_a_digit_shows_that_buffer_and_alt_0_the_tenth()
    {
        var chat = new Chat();
        for (int i = 1; i <= 10; i++)
        {
            chat.Join($"#r{i}");
        }

        chat.Press(KeyStroke.Alt('2'));
        Assert.Equal("#r1", chat.Current.Name);
        chat.Press(KeyStroke.Alt('0'));
        Assert.Equal("#r9", chat.Current.Name);
        chat.Press(KeyStroke.Alt('1'));
        Assert.Equal(BufferKind.Server, chat.Current.Kind);
    }

    [Fact]
    public void Ctrl_n_and_ctrl_p_go_to_the_next_and_previous_buffer_round_the_list()
    {
        var chat = new Chat();
        chat.Join("#a").Join("#b");
        chat.Press(KeyStroke.Ctrl('n'));
        Assert.Equal(BufferKind.Server, chat.Current.Kind);
        chat.Press(KeyStroke.Ctrl('p'));
        Assert.Equal("#b", chat.Current.Name);
        chat.Press(KeyStroke.Ctrl('p'));
        Assert.Equal("#a", chat.Current.Name);
    }

    [Fact]
    public void Each_buffer_keeps_its_half_typed_line()
    {
        var chat = new Chat();
        chat.Join("#a").Join("#b");
        chat.Type("for b");
        chat.Press(KeyStroke.Alt('2')).Type("for a");
        chat.Press(KeyStroke.Alt('3'));
        Assert.Equal("for b", chat.Model.Input.Text);
        chat.Press(KeyStroke.Alt('2'));
        Assert.Equal("for a", chat.Model.Input.Text);
    }

    [Fact]
    public void Unread_messages_are_counted_and_mentions_and_direct_messages_marked()
    {
        var chat = new Chat();
        chat.Join("#a").Join("#b");
        chat.Said("#a", "bob", "one").Said("#a", "bob", "two").Said("#a", "bob", "alice: three");
        chat.Whispered("carol", "alice", "psst");
        ChatBuffer a = chat.Model.Buffers.Find("#a")!;
        ChatBuffer dm = chat.Model.Buffers.Find("carol")!;
        Assert.Equal(3, a.Unread);
        Assert.True(a.Highlighted);
        Assert.True(dm.Highlighted);
        string screen = chat.Screen();
        Assert.Contains(" 2.#a", screen, StringComparison.Ordinal);
        Assert.Contains("3!", screen, StringComparison.Ordinal);
        Assert.Contains(" 4.carol", screen, StringComparison.Ordinal);
        Assert.Contains("1*", screen, StringComparison.Ordinal);
        Assert.Contains("[act: 2!,4*]", screen, StringComparison.Ordinal);
        Assert.Equal("parley: #b (4 unread)", chat.Model.Title);
        chat.Press(KeyStroke.Alt('2'));
        Assert.Equal(0, a.Unread);
        Assert.Equal("parley: #a (1 unread)", chat.Model.Title);
    }

    [Fact]
    public void Alt_a_goes_to_direct_messages_and_mentions_before_other_activity()
    {
        var chat = new Chat();
        chat.Join("#quiet").Join("#busy").Join("#here");
        chat.Said("#busy", "bob", "chatter");
        chat.Said("#quiet", "bob", "alice, ping");
        chat.Whispered("carol", "alice", "psst");
        // From #here (4): carol (5, a direct message) is the nearest of the first group, then #quiet (a mention).
        chat.Press(KeyStroke.Alt('a'));
        Assert.Equal("carol", chat.Current.Name);
        chat.Press(KeyStroke.Alt('a'));
        Assert.Equal("#quiet", chat.Current.Name);
        chat.Press(KeyStroke.Alt('a'));
        Assert.Equal("#busy", chat.Current.Name);
    }

    [Fact]
    public void Coming_back_to_a_buffer_shows_a_read_marker_above_what_arrived_meanwhile()
    {
        var chat = new Chat();
        chat.Join("#a").Said("#a", "bob", "seen");
        chat.Join("#b");
        chat.Said("#a", "bob", "not seen yet");
        chat.Press(KeyStroke.Alt('2'));
        string screen = chat.Screen();
        int seen = screen.IndexOf("seen", StringComparison.Ordinal);
        int marker = screen.IndexOf("─── new ", StringComparison.Ordinal);
        int unseen = screen.IndexOf("not seen yet", StringComparison.Ordinal);
        Assert.True(seen < marker && marker < unseen, screen);
    }

    [Fact]
    public void Page_up_scrolls_back_and_new_lines_then_show_more_below()
    {
        var chat = new Chat();
        chat.Join("#a");
        for (int i = 0; i < 60; i++)
        {
            chat.Said("#a", "bob", $"line {i}");
        }

        Assert.Contains("line 59", chat.Screen(), StringComparison.Ordinal);
        chat.Press(KeyName.PageUp);
        chat.Said("#a", "bob", "newest");
        string screen = chat.Screen();
        Assert.DoesNotContain("line 59", screen, StringComparison.Ordinal);
        Assert.Contains("-- more below (1 new) --", screen, StringComparison.Ordinal);
        chat.Press(KeyName.Home, KeyMods.Ctrl);
        Assert.Contains("line 0", chat.Screen(), StringComparison.Ordinal);
        chat.Press(KeyName.End, KeyMods.Ctrl);
        screen = chat.Screen();
        Assert.Contains("newest", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("more below", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_down_at_the_bottom_follows_new_lines_again()
    {
        var chat = new Chat();
        chat.Join("#a");
        for (int i = 0; i < 60; i++)
        {
            chat.Said("#a", "bob", $"line {i}");
        }

        chat.Press(KeyName.PageUp).Press(KeyName.PageDown);
        chat.Said("#a", "bob", "newest");
        Assert.Contains("newest", chat.Screen(), StringComparison.Ordinal);
    }
}
