using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class ModerationTests
{
    private static void Kicked(Chat chat, string nick, string by, string reason) =>
        chat.Model.Apply(new PresenceEvent(new Presence { Kind = PresenceKind.Kicked, Room = "#a", Nick = nick, By = by, Message = reason }));

    [Fact]
    public void A_kick_shows_who_kicked_and_why_and_takes_the_member_out()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "bob", "carol");

        Kicked(chat, "bob", "carol", "spam \u001b[2J");

        Assert.Equal("bob was kicked by carol (spam ␛[2J)", chat.Lines[^1]);
        Assert.DoesNotContain("bob", chat.Current.Members);
        Assert.Equal(2, chat.Current.MemberCount);
    }

    [Fact]
    public void Being_kicked_leaves_the_buffer_open_but_out_of_the_room()
    {
        var chat = new Chat();
        chat.Join("#a", "alice", "carol");

        Kicked(chat, "alice", "carol", string.Empty);
        chat.Enter("still here?");

        Assert.Contains("you were kicked from #a by carol; /join #a to go back", chat.Lines);
        Assert.False(chat.Current.Joined);
        Assert.Equal("you are not in #a: /join #a", chat.Lines[^1]);
        Assert.True(chat.Model.TakeBell());
    }

    [Fact]
    public void Mode_role_and_mute_changes_are_told_and_operators_are_marked_in_the_member_list()
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
            ["carol set the modes of #a: invite-only, topic set by operators only", "carol made bob an operator", "bob muted you until 10:30", "bob unmuted you"],
            chat.Lines.TakeLast(4));
        Assert.NotNull(chat.MemberStyle("@bob"));
        Assert.True(chat.Current.Modes!.InviteOnly);
    }

    [Fact]
    public void Owners_and_operators_listed_by_the_join_are_marked()
    {
        var chat = new Chat();
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "carol", Role = MemberRole.Owner });
        chat.Backend.RoomMemberStates.Add(new MemberState { Nick = "bob", Role = MemberRole.Operator });
        chat.Join("#a", "alice", "bob", "carol");

        Assert.NotNull(chat.MemberStyle("~carol"));
        Assert.NotNull(chat.MemberStyle("@bob"));
        Assert.NotNull(chat.MemberStyle("alice"));
    }

    [Fact]
    public void An_invitation_is_told_in_the_server_buffer_and_the_buffer_shown()
    {
        var chat = new Chat();
        chat.Join("#a");

        chat.Model.Apply(new InvitedEvent(new Invited { Room = "#secret", By = "carol" }));

        Assert.Equal("carol invited you to #secret (/join #secret)", chat.Lines[^1]);
        Assert.Equal("carol invited you to #secret (/join #secret)", chat.Model.Buffers.Server.Lines[^1].ToString());
    }
}
