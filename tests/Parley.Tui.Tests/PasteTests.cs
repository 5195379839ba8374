using Parley.Tui.Input;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class PasteTests
{
    private static readonly string SixLines = string.Join("\r", Enumerable.Range(1, 6).Select(i => $"line {i}"));

    [Fact]
    public void A_paste_of_more_than_five_lines_asks_before_sending()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Model.HandlePaste(SixLines);
        Assert.Equal("send 6 lines? [y/N/e]", chat.Model.Question!.Prompt);
        Assert.StartsWith("send 6 lines? [y/N/e]", chat.Render().RowText(23), StringComparison.Ordinal);
        Assert.Single(chat.Backend.Calls);
    }

    [Fact]
    public void Yes_sends_every_line()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Model.HandlePaste(SixLines);
        chat.Type("y");
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"say #a line {i}"), chat.Backend.Calls.Skip(1));
        Assert.Null(chat.Model.Question);
    }

    [Fact]
    public void Anything_else_drops_the_paste()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Model.HandlePaste(SixLines);
        chat.Press(KeyName.Enter);
        Assert.Single(chat.Backend.Calls);
        Assert.Contains("paste dropped", chat.Lines);
        Assert.Equal(string.Empty, chat.Model.Input.Text);
    }

    [Fact]
    public void E_puts_the_paste_in_the_input_line_to_edit()
    {
        var chat = new Chat();
        chat.Join("#a").Type("> ");
        chat.Model.HandlePaste(SixLines);
        chat.Type("e");
        Assert.StartsWith("> line 1\nline 2", chat.Model.Input.Text, StringComparison.Ordinal);
        Assert.Single(chat.Backend.Calls);
    }

    [Fact]
    public void A_pasted_command_never_runs_without_confirmation_and_yes_sends_it_as_text()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Model.HandlePaste("/quit bye");
        Assert.Equal("send 1 line? [y/N/e]", chat.Model.Question!.Prompt);
        chat.Type("y");
        Assert.False(chat.Backend.QuitCalled);
        Assert.Equal("say #a /quit bye", chat.Backend.Calls[^1]);
    }

    [Fact]
    public void A_short_paste_goes_into_the_input_line_at_the_cursor()
    {
        var chat = new Chat();
        chat.Join("#a").Type("see: ");
        chat.Model.HandlePaste("two\r\nlines\n");
        Assert.Equal("see: two\nlines", chat.Model.Input.Text);
        Assert.Null(chat.Model.Question);
    }
}
