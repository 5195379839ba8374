using Parley.Tui.Render;
using Parley.Tui.Tests.Support;
using Parley.Tui.Text;

namespace Parley.Tui.Tests;

public sealed class SanitiserTests
{
    public static readonly TheoryData<string> Hostile = new()
    {
        "\u001b[2J",                  // clear screen
        "\u001b]0;owned\u0007",       // set the title, ended by BEL
        "\u001b]0;owned\u001b\\",     // ... ended by ST
        "\u0007",                     // bell
        "\u001b[10;10H",              // cursor position
        "\u009b2J",                   // C1 CSI
        "\u001bP1$r\u001b\\",         // DCS
        "\u001b[?1049l",              // leave the alternate screen
        "a\rb",                       // carriage return
        "x\u0008y",                   // backspace
        "\u202Eevil",                 // right-to-left override
        "\u007F",                     // DEL
        "\ud800",                     // lone surrogate
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Escape_sequences_become_visible_text_with_no_control_characters(string attack)
    {
        string line = TerminalText.Line("before " + attack + " after");
        Assert.True(TerminalText.IsInert(line), line);
        Assert.StartsWith("before ", line, StringComparison.Ordinal);
        Assert.EndsWith(" after", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Esc_shows_as_its_control_picture()
    {
        Assert.Equal("␛[2J", TerminalText.Line("\u001b[2J"));
        Assert.Equal("␛]0;title␇", TerminalText.Line("\u001b]0;title\u0007"));
    }

    [Fact]
    public void Line_feeds_split_a_message_into_lines_and_tabs_become_spaces()
    {
        Assert.Equal(["one", "two    three"], TerminalText.Lines("one\r\ntwo\tthree"));
        Assert.Equal("one␤two", TerminalText.Line("one\ntwo"));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void No_cell_of_the_screen_holds_a_control_character_whatever_the_network_sent(string attack)
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "mallory" + "\u001b");
        chat.Said("#a", "mal\u001b[31mlory", attack + " text " + attack);
        chat.Model.Apply(new Parley.Client.TopicChangedEvent(new Parley.Protocol.Messages.TopicChanged { Room = "#a", Topic = attack, By = attack }));
        Screen screen = chat.Render();
        for (int y = 0; y < screen.Height; y++)
        {
            for (int x = 0; x < screen.Width; x++)
            {
                Assert.True(TerminalText.IsInert(screen[x, y].Text), $"cell {x},{y} holds U+{(int)screen[x, y].Text[0]:X4}");
            }
        }

        Assert.Contains("text", screen.ToString(), StringComparison.Ordinal);
    }
}
