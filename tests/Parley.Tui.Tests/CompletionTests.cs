using Parley.Tui.Input;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class CompletionTests
{
    private static Chat InRoom()
    {
        var chat = new Chat();
        chat.Join("#general", "alice", "albert", "bob", "alfred");
        return chat;
    }

    [Fact]
    public void Tab_at_the_start_of_a_line_completes_a_nickname_with_a_colon()
    {
        Chat chat = InRoom();
        chat.Type("bo").Press(KeyName.Tab);
        Assert.Equal("bob: ", chat.Model.Input.Text);
    }

    [Fact]
    public void Tab_inside_a_line_completes_without_the_colon()
    {
        Chat chat = InRoom();
        chat.Type("hi bo").Press(KeyName.Tab);
        Assert.Equal("hi bob ", chat.Model.Input.Text);
    }

    [Fact]
    public void Recent_speakers_come_first_and_tab_cycles_and_shift_tab_goes_back()
    {
        Chat chat = InRoom();
        chat.Said("#general", "alfred", "hi");
        chat.Type("al").Press(KeyName.Tab);
        Assert.Equal("alfred: ", chat.Model.Input.Text);
        chat.Press(KeyName.Tab);
        Assert.Equal("albert: ", chat.Model.Input.Text);
        chat.Press(KeyName.Tab, KeyMods.Shift);
        Assert.Equal("alfred: ", chat.Model.Input.Text);
    }

    [Fact]
    public void Our_own_nickname_is_not_offered()
    {
        Chat chat = InRoom();
        chat.Type("alic").Press(KeyName.Tab);
        Assert.Equal("alic", chat.Model.Input.Text);
    }

    [Fact]
    public void Commands_and_rooms_complete_too()
    {
        Chat chat = InRoom();
        chat.Type("/jo").Press(KeyName.Tab);
        Assert.Equal("/join ", chat.Model.Input.Text);
        chat.Type("#gen").Press(KeyName.Tab);
        Assert.Equal("/join #general ", chat.Model.Input.Text);
    }

    [Fact]
    public void Typing_after_a_completion_keeps_it()
    {
        Chat chat = InRoom();
        chat.Type("bo").Press(KeyName.Tab).Type("hello").Press(KeyName.Tab);
        Assert.Equal("bob: hello", chat.Model.Input.Text);
    }
}
