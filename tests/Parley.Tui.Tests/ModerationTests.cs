using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class ModerationTests
{
    private static void Kicked(Chat chat, string nick, string by, string reason) =>
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = nick, By = by, Message = reason }));

    [Theory]
    [InlineData("/kick bob flooding the room", "kick #a bob flooding the room")]
    [InlineData("/ban bob", "ban #a bob forever")]
    [InlineData("/ban account:mallory 7d spam again", "ban #a account:mallory 7d spam again")]
    [InlineData("/ban address:203.0.113.0/24 no reason given", "ban #a address:203.0.113.0/24 forever no reason given")]
    [InlineData("/ban * address:198.51.100.7 2h", "ban * address:198.51.100.7 2h")]
    [InlineData("/ban #b carol", "ban #b carol forever")]
    [InlineData("/unban account:mallory", "unban #a account:mallory")]
    [InlineData("/mute bob 10m", "mute #a bob 10m")]
    [InlineData("/mute bob", "mute #a bob forever")]
    [InlineData("/unmute bob", "unmute #a bob")]
    [InlineData("/op bob", "role #a bob Operator")]
    [InlineData("/DEOP bob", "role #a bob Member")]
    [InlineData("/mode +i", "mode #a i=True t=-")]
    [InlineData("/mode -t +i", "mode #a i=True t=False")]
    [InlineData("/invite carol", "invite #a carol")]
    [InlineData("/invite carol #b", "invite #b carol")]
    public void Moderation_commands_act_on_the_room_shown_unless_told_otherwise(string typed, string call)
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob").Enter(typed);

        Assert.Equal(call, chat.Backend.Calls[^1]);
    }

    [Theory]
    [InlineData("/kick")]
    [InlineData("/mute bob forever")]
    [InlineData("/mode +x")]
    [InlineData("/ban account:")]
    public void A_malformed_moderation_command_is_a_local_error_and_sends_nothing(string typed)
    {
        var chat = new Chat();
        chat.Join("#a").Enter(typed);

        Assert.Equal(["join #a"], chat.Backend.Calls);
        Assert.Equal(Parley.Tui.Model.LineKind.Error, chat.Current.Lines[^1].Kind);
    }

    [Fact]
    public void In_the_server_buffer_bans_are_the_servers_and_room_commands_ask_for_a_room()
    {
        var chat = new Chat();
        chat.Backend.Bans.Bans.Add(new BanEntry { Mask = "address:203.0.113.0/24", By = "root", Reason = "botnet" });

        chat.Enter("/bans").Enter("/ban account:x").Enter("/kick bob");

        Assert.Equal(["bans *", "ban * account:x forever"], chat.Backend.Calls);
        Assert.Contains("bans in the server (1):", chat.Lines);
        Assert.Contains("  address:203.0.113.0/24 by root: botnet", chat.Lines);
        Assert.Contains("banned account:x from the server", chat.Lines);
        Assert.Equal("this buffer is not a room: /kick #room ...", chat.Lines[^1]);
    }

    [Fact]
    public void A_kick_shows_who_and_why_and_being_kicked_leaves_the_room()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob", "carol");

        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = "carol", By = "bob", Message = "spam" }));
        Assert.Equal("carol was kicked by bob (spam)", chat.Lines[^1]);
        Assert.Equal(["alice", "bob"], chat.Current.Members);

        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = "alice", By = "bob" }));
        Assert.Equal("you were kicked from #a by bob (/join #a to return)", chat.Lines[^1]);
        Assert.False(chat.Current.Joined);
        Assert.Empty(chat.Current.Members);
    }

    [Fact]
    public void A_kick_reason_is_neutralised_and_the_member_count_follows()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob", "carol");

        Kicked(chat, "bob", "carol", "spam \u001b[2J");

        Assert.Equal("bob was kicked by carol (spam ␛[2J)", chat.Lines[^1]);
        Assert.DoesNotContain("bob", chat.Current.Members);
        Assert.Equal(2, chat.Current.MemberCount);
    }

    [Fact]
    public void Being_kicked_rings_and_leaves_the_buffer_open_but_out_of_the_room()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "carol");

        Kicked(chat, "alice", "carol", string.Empty);
        chat.Enter("still here?");

        Assert.Contains("you were kicked from #a by carol (/join #a to return)", chat.Lines);
        Assert.False(chat.Current.Joined);
        Assert.False(chat.Current.AwaitingRejoin);
        Assert.Equal("you are not in #a: /join #a", chat.Lines[^1]);
        Assert.True(chat.Model.TakeBell());
    }

    [Fact]
    public void Mode_role_and_mute_changes_are_told_and_marked_in_the_member_list()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob", "carol");

        chat.Model.Apply(new RoomModeChangedEvent(new RoomModeChanged { Room = "#a", Modes = new RoomModes { InviteOnly = true, TopicLocked = true }, By = "carol" }));
        chat.Model.Apply(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "bob", Role = MemberRole.Operator, By = "carol" }));
        chat.Model.Apply(new MemberChangedEvent(new MemberChanged
        {
            Room = "#a", Nick = "alice", Muted = true, MutedUntilMs = Chat.Start.AddMinutes(30).ToUnixTimeMilliseconds(), By = "bob",
        }));
        chat.Model.Apply(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "alice", By = "bob" }));

        Assert.Equal(
            ["carol set mode +i +t on #a (invite-only, topic locked)", "carol made bob an operator of #a", "bob muted you until 10:30", "bob unmuted you"],
            chat.Lines.TakeLast(4));
        Assert.NotNull(chat.MemberStyle("@bob"));
        Assert.True(chat.Current.Modes!.InviteOnly);
    }

    [Fact]
    public void Owners_operators_and_muted_members_listed_by_the_join_are_marked()
    {
        var chat = new Chat();
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "carol", Role = MemberRole.Owner });
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "bob", Role = MemberRole.Operator });
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "dave", Muted = true, AwayMessage = "lunch" });
        chat.Join("#a", "alice", "bob", "carol", "dave");

        Assert.NotNull(chat.MemberStyle("~carol"));
        Assert.NotNull(chat.MemberStyle("@bob"));
        Assert.NotNull(chat.MemberStyle("-dave"));
        Assert.NotNull(chat.MemberStyle("alice"));
        Assert.True(chat.Current.IsAway("dave"));
    }

    [Fact]
    public void Roles_mutes_and_modes_show_in_the_log_the_member_list_and_the_topic_bar()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob", "carol");
        long until = Chat.Start.AddMinutes(10).ToUnixTimeMilliseconds();

        chat.Model.Apply(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "bob", Role = MemberRole.Operator, By = "alice" }));
        chat.Model.Apply(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "carol", Muted = true, MutedUntilMs = until, By = "bob" }));
        chat.Model.Apply(new RoomModeChangedEvent(new RoomModeChanged { Room = "#a", Modes = new RoomModes { InviteOnly = true, TopicLocked = true }, By = "bob" }));

        Assert.Contains("alice made bob an operator of #a", chat.Lines);
        Assert.Contains("bob muted carol until 10:10", chat.Lines);
        Assert.Equal("bob set mode +i +t on #a (invite-only, topic locked)", chat.Lines[^1]);
        string screen = chat.Screen();
        Assert.StartsWith(" #a [+it]", screen, StringComparison.Ordinal);
        Assert.Contains("│@bob", screen, StringComparison.Ordinal);
        Assert.Contains("│-carol", screen, StringComparison.Ordinal);

        chat.Model.Apply(new MemberChangedEvent(new MemberChanged { Room = "#a", Nick = "carol" }));
        Assert.Equal("the mute of carol has ended", chat.Lines[^1]);
        Assert.Contains("│carol", chat.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Joined_states_mark_the_owner_and_survive_a_nick_change()
    {
        var chat = new Chat();
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "bob", Role = MemberRole.Owner });
        chat.Join("#a", "alice", "bob");
        Assert.Contains("│~bob", chat.Screen(), StringComparison.Ordinal);

        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Nick, Room = "#a", Nick = "bob", NewNick = "robert" }));

        Assert.Contains("│~robert", chat.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invitation_shows_in_the_server_buffer_and_the_buffer_shown_and_rings()
    {
        var chat = new Chat();
        chat.Join("#a");

        chat.Model.Apply(new InvitedEvent(new Invited { Room = "#secret", By = "bob" }));

        Assert.Equal("bob invites you to #secret (/join #secret)", chat.Lines[^1]);
        Assert.Equal("bob invites you to #secret (/join #secret)", chat.Model.Buffers.Server.Lines[^1].ToString());
        Assert.True(chat.Model.TakeBell());
    }

    [Fact]
    public void Help_lists_the_moderation_commands()
    {
        var chat = new Chat();
        chat.Enter("/help");
        foreach (string command in new[] { "/kick", "/ban", "/unban", "/bans", "/mute", "/unmute", "/op", "/deop", "/mode", "/invite" })
        {
            Assert.Contains(chat.Lines, l => l.StartsWith("  " + command + " ", StringComparison.Ordinal));
        }

        chat.Enter("/help ban");
        Assert.StartsWith("/ban nick|account:NAME|address:IP[/N] [duration] [reason]:", chat.Lines[^1], StringComparison.Ordinal);
    }
}
