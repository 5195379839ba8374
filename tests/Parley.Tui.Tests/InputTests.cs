using Parley.Tui.Input;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class InputTests
{
    [Fact]
    public void Emacs_keys_move_and_delete()
    {
        var chat = new Chat();
        InputEditor input = chat.Model.Input;
        chat.Type("hello big world");
        chat.Press(KeyStroke.Ctrl('w'));
        Assert.Equal("hello big ", input.Text);
        chat.Press(KeyStroke.Ctrl('a')).Type(">> ");
        Assert.Equal(">> hello big ", input.Text);
        chat.Press(KeyStroke.Ctrl('k'));
        Assert.Equal(">> ", input.Text);
        chat.Press(KeyStroke.Ctrl('e')).Type("x y").Press(KeyName.Left).Press(KeyStroke.Ctrl('u'));
        Assert.Equal("y", input.Text);
        Assert.Equal(0, input.Cursor);
    }

    [Fact]
    public void The_cursor_steps_over_a_whole_emoji_or_accented_letter()
    {
        var chat = new Chat();
        chat.Type("a👩‍👩‍👧e\u0301");
        chat.Press(KeyName.Backspace);
        Assert.Equal("a👩‍👩‍👧", chat.Model.Input.Text);
        chat.Press(KeyName.Backspace);
        Assert.Equal("a", chat.Model.Input.Text);
    }

    [Fact]
    public void Ctrl_c_clears_a_line_and_on_an_empty_one_hints_quit()
    {
        var chat = new Chat();
        chat.Type("oops").Press(KeyStroke.Ctrl('c'));
        Assert.Equal(string.Empty, chat.Model.Input.Text);
        Assert.False(chat.Backend.QuitCalled);
        chat.Press(KeyStroke.Ctrl('c'));
        Assert.Contains("type /quit to leave", chat.Lines);
        Assert.False(chat.Backend.QuitCalled);
    }

    [Fact]
    public void Up_and_down_recall_this_buffers_lines_and_keep_the_draft()
    {
        var chat = new Chat();
        chat.Join("#b").Join("#a").Enter("first").Enter("second");
        chat.Press(KeyStroke.Alt('2')).Enter("in b");
        chat.Press(KeyStroke.Alt('3')).Type("draft");
        chat.Press(KeyName.Up);
        Assert.Equal("second", chat.Model.Input.Text);
        chat.Press(KeyName.Up);
        Assert.Equal("first", chat.Model.Input.Text);
        chat.Press(KeyName.Up);
        Assert.Equal("first", chat.Model.Input.Text);
        chat.Press(KeyName.Down).Press(KeyName.Down);
        Assert.Equal("draft", chat.Model.Input.Text);
    }

    [Fact]
    public void Alt_enter_inserts_a_line_break_and_enter_sends_each_line()
    {
        var chat = new Chat();
        chat.Join("#a").Type("one").Press(KeyName.Enter, KeyMods.Alt).Type("two");
        chat.Press(new KeyStroke(KeyName.Char, KeyMods.Ctrl | KeyMods.Alt, "m")).Type("three");
        Assert.Equal("one\ntwo\nthree", chat.Model.Input.Text);
        Assert.Contains("one↵two↵three", chat.Screen(), StringComparison.Ordinal);
        chat.Press(KeyName.Enter);
        Assert.Equal(["say #a one", "say #a two", "say #a three"], chat.Backend.Calls.Skip(1));
    }

    [Fact]
    public void Ctrl_l_asks_for_a_full_redraw()
    {
        var chat = new Chat();
        chat.Press(KeyStroke.Ctrl('l'));
        Assert.True(chat.Model.TakeRedraw());
        Assert.False(chat.Model.TakeRedraw());
    }

    [Fact]
    public void A_long_line_scrolls_sideways_to_keep_the_cursor_in_view()
    {
        var chat = new Chat();
        chat.Join("#a").Type(new string('x', 150) + "END");
        Render.Screen screen = chat.Render(80, 24);
        Assert.Contains("END", screen.RowText(23), StringComparison.Ordinal);
        Assert.Equal(23, screen.Cursor!.Value.Y);
        Assert.True(screen.Cursor!.Value.X < 80);
    }
}
