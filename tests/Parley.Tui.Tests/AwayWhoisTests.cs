using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Input;
using Parley.Tui.Model;
using Parley.Tui.Render;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class AwayWhoisTests
{
    private static void Presence(Chat chat, PresenceKind kind, string room, string nick, string message = "") =>
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = kind, Room = room, Nick = nick, Message = message }));

    [Fact]
    public void Away_and_back_go_to_the_server_and_show_in_the_status_line_and_the_member_list()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob").Enter("/away lunch");

        Assert.Equal("away lunch", chat.Backend.Calls[^1]);
        Assert.Equal("lunch", chat.Model.AwayMessage);
        Assert.Contains("[alice (away)]", chat.Screen(), StringComparison.Ordinal);
        Assert.Contains("you are marked away (lunch)", chat.Lines);
        Assert.Equal(Role.MemberAway, chat.MemberStyle("alice")?.Role);

        chat.Enter("/back");

        Assert.Equal("back", chat.Backend.Calls[^1]);
        Assert.Null(chat.Model.AwayMessage);
        Assert.Contains("you are back", chat.Lines);
        Assert.Equal(Role.MemberSelf, chat.MemberStyle("alice")?.Role);
    }

    [Fact]
    public void Away_without_a_message_says_away_and_a_refusal_is_shown()
    {
        var chat = new Chat();
        chat.Enter("/away");
        Assert.Equal("away away", chat.Backend.Calls[^1]);

        chat.Backend.Fail = new ParleyRequestException(ErrorCode.RateLimited, "slow down");
        chat.Enter("/back");

        Assert.Equal("away", chat.Model.AwayMessage);
        Assert.Contains("/back failed: RATE_LIMITED: slow down", chat.Lines);
    }

    [Fact]
    public void Away_members_are_dimmed_in_the_member_list_and_the_room_gets_no_line()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob", "carol");
        int lines = chat.Current.Lines.Count;

        Presence(chat, PresenceKind.Away, "#a", "bob", "lunch");

        Assert.Equal(Role.MemberAway, chat.MemberStyle("bob")?.Role);
        Assert.Equal(Role.Nick, chat.MemberStyle("carol")?.Role);
        Assert.Equal(lines, chat.Current.Lines.Count);

        Presence(chat, PresenceKind.Back, "#a", "bob");

        Assert.Equal(Role.Nick, chat.MemberStyle("bob")?.Role);
        Assert.Equal(lines, chat.Current.Lines.Count);
    }

    [Fact]
    public void Away_members_listed_by_the_join_are_dimmed_and_a_nick_change_keeps_it()
    {
        var chat = new Chat();
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "bob", AwayMessage = "afk" });
        chat.Join("#a", "alice", "bob");

        Assert.Equal(Role.MemberAway, chat.MemberStyle("bob")?.Role);
        Assert.Equal("afk", chat.Current.AwayMessageOf("BOB"));

        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Nick, Room = "#a", Nick = "bob", NewNick = "robert" }));

        Assert.Equal(Role.MemberAway, chat.MemberStyle("robert")?.Role);
    }

    [Fact]
    public void A_direct_conversation_gets_one_dim_line_per_change_of_its_peers_away_state()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob").Join("#b", "alice", "bob").Enter("/query bob");

        Presence(chat, PresenceKind.Away, "#a", "bob", "lunch");
        Presence(chat, PresenceKind.Away, "#b", "bob", "lunch");
        Presence(chat, PresenceKind.Back, "#a", "bob");
        Presence(chat, PresenceKind.Back, "#b", "bob");

        Assert.Equal(["bob is away: lunch", "bob is back"], chat.Lines);
        Assert.All(chat.Current.Lines, l => Assert.Equal(LineKind.Away, l.Kind));
        Assert.Contains("-- bob is away: lunch", chat.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Whois_shows_the_servers_answer_in_the_buffer_shown()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob").Enter("/query bob").Press(KeyStroke.Alt('2'));
        chat.Backend.WhoisAnswer = new WhoisInfo
        {
            Nick = "bob", AwayMessage = "lunch", Rooms = { "#a" },
            ConnectedMs = Chat.Start.AddMinutes(-12).ToUnixTimeMilliseconds(), IdleMs = 42_000,
        };

        chat.Enter("/whois BOB");

        Assert.Equal("whois BOB", chat.Backend.Calls[^1]);
        Assert.Equal("#a", chat.Current.Name);
        Assert.Equal(
            ["bob (guest)", "  rooms: #a", "  away: lunch", "  connected: 09:48 (12 min ago)", "  idle: 42 s", "  direct conversation: buffer 3"],
            chat.Lines.TakeLast(6));
    }

    [Fact]
    public void Whois_of_someone_offline_says_so_and_of_an_administrator_says_that()
    {
        var chat = new Chat();
        chat.Enter("/whois nobody");
        Assert.Contains("nobody is not online", chat.Lines);

        chat.Backend.WhoisAnswer = new WhoisInfo { Nick = "root", Account = "root", Admin = true };
        chat.Enter("/whois root");
        Assert.Equal(["root (account root)", "  rooms: none shared with you", "  idle: 0 s", "  server administrator"], chat.Lines.TakeLast(4));
    }
}
