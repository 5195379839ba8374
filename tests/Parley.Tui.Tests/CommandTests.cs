using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Model;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class CommandTests
{
    [Fact]
    public void An_unknown_command_is_a_local_error_and_is_never_sent()
    {
        var chat = new Chat();
        chat.Join("#a").Enter("/frob the thing");
        Assert.DoesNotContain(chat.Backend.Calls, c => c.Contains("frob", StringComparison.Ordinal));
        Assert.Contains(chat.Lines, l => l.StartsWith("unknown command /frob", StringComparison.Ordinal));
    }

    [Fact]
    public void A_double_slash_sends_a_line_starting_with_a_slash()
    {
        var chat = new Chat();
        chat.Join("#a").Enter("//usr/bin is a path");
        Assert.Equal("say #a /usr/bin is a path", chat.Backend.Calls[^1]);
    }

    [Fact]
    public void Commands_are_case_insensitive()
    {
        var chat = new Chat();
        chat.Enter("/JOIN #a").Enter("/Me waves");
        Assert.Equal(["join #a", "action #a waves"], chat.Backend.Calls);
        Assert.Equal("#a", chat.Current.Name);
    }

    [Fact]
    public void Join_adds_the_hash_opens_the_buffer_and_shows_the_members_and_topic()
    {
        var chat = new Chat();
        chat.Join("general", "alice", "bob");
        Assert.Equal("#general", chat.Current.Name);
        Assert.Equal(["alice", "bob"], chat.Current.Members);
        Assert.Contains("you joined #general (2 members)", chat.Lines);
    }

    [Fact]
    public void Joining_a_room_already_open_just_shows_it()
    {
        var chat = new Chat();
        chat.Join("#a").Join("#b").Enter("/join #a");
        Assert.Equal("#a", chat.Current.Name);
        Assert.Equal(2, chat.Backend.Calls.Count(c => c.StartsWith("join", StringComparison.Ordinal)));
    }

    [Fact]
    public void Part_leaves_the_room_shown_with_a_reason_and_closes_its_buffer()
    {
        var chat = new Chat();
        chat.Join("#a").Join("#b").Enter("/part gone fishing");
        Assert.Equal("part #b gone fishing", chat.Backend.Calls[^1]);
        Assert.Null(chat.Model.Buffers.Find("#b"));
        Assert.Equal("#a", chat.Current.Name);
        chat.Enter("/part #a");
        Assert.Equal("part #a", chat.Backend.Calls[^1]);
    }

    [Fact]
    public void Msg_opens_a_direct_buffer_without_leaving_the_room_and_query_shows_it()
    {
        var chat = new Chat();
        chat.Join("#a").Enter("/msg bob hi there");
        Assert.Equal("whisper bob hi there", chat.Backend.Calls[^1]);
        Assert.Equal("#a", chat.Current.Name);
        Assert.NotNull(chat.Model.Buffers.Find(BufferKind.Direct, "bob"));
        chat.Enter("/query carol");
        Assert.Equal("carol", chat.Current.Name);
        chat.Enter("hello carol");
        Assert.Equal("whisper carol hello carol", chat.Backend.Calls[^1]);
    }

    [Fact]
    public void Reply_answers_the_last_direct_message()
    {
        var chat = new Chat();
        chat.Enter("/reply hi");
        Assert.Contains("nobody has sent you a direct message yet", chat.Lines);
        chat.Whispered("bob", "alice", "one").Whispered("carol", "alice", "two").Enter("/reply got it");
        Assert.Equal("whisper carol got it", chat.Backend.Calls[^1]);
    }

    [Fact]
    public void Me_sends_an_action_in_a_room_and_in_a_direct_conversation()
    {
        var chat = new Chat();
        chat.Join("#a").Enter("/me waves").Enter("/query bob").Enter("/me nods");
        Assert.Equal(["action #a waves", "whisper-action bob nods"], chat.Backend.Calls.Skip(1));
    }

    [Fact]
    public void Nick_and_topic_go_to_the_server_and_topic_alone_shows_the_topic()
    {
        var chat = new Chat();
        chat.Join("#a").Enter("/nick alicia").Enter("/topic all about a").Enter("/topic");
        Assert.Equal(["nick alicia", "topic #a all about a"], chat.Backend.Calls.Skip(1));
        Assert.Contains("#a has no topic", chat.Lines);
    }

    [Fact]
    public void Names_lists_the_members()
    {
        var chat = new Chat();
        chat.Join("#a").Enter("/names");
        Assert.Contains("members of #a (2): alice, bob", chat.Lines);
    }

    [Fact]
    public void List_shows_the_rooms()
    {
        var chat = new Chat();
        chat.Enter("/list");
        Assert.Contains("  #general (3 members): hi", chat.Lines);
        Assert.Contains("  #games (1 member)", chat.Lines);
    }

    [Fact]
    public void Clear_empties_the_buffer_shown()
    {
        var chat = new Chat();
        chat.Join("#a").Said("#a", "bob", "hi").Enter("/clear");
        Assert.Empty(chat.Current.Lines);
    }

    [Fact]
    public void Quit_hands_its_message_to_the_backend()
    {
        var chat = new Chat();
        chat.Enter("/quit see you");
        Assert.True(chat.Backend.QuitCalled);
        Assert.Equal("see you", chat.Backend.QuitMessage);
        Assert.True(chat.Model.Quitting);
    }

    [Fact]
    public void Help_lists_every_command_and_explains_one()
    {
        var chat = new Chat();
        chat.Enter("/help");
        foreach (string name in Commands.CommandTable.All.Select(c => c.Name))
        {
            Assert.Contains(chat.Lines, l => l.TrimStart().StartsWith("/" + name, StringComparison.Ordinal));
        }

        chat.Enter("/help PART");
        Assert.Contains(chat.Lines, l => l.StartsWith("/part [#room] [reason]:", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_in_the_server_buffer_is_refused_locally()
    {
        var chat = new Chat();
        chat.Enter("hello?");
        Assert.Empty(chat.Backend.Calls);
        Assert.Contains(chat.Lines, l => l.StartsWith("this is the server buffer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_message_is_shown_as_not_sent_with_the_reason()
    {
        var chat = new Chat();
        chat.Join("#a");
        chat.Backend.Fail = new ParleyRequestException(ErrorCode.TextTooLong, "too long");
        chat.Enter("a very long text");
        Assert.Contains("[not sent: TEXT_TOO_LONG: too long]", chat.Screen(200), StringComparison.Ordinal);
    }
}
