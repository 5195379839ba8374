using Parley.Client;
using Parley.Protocol.Messages;
using Parley.Tui.Model;
using Parley.Tui.Tests.Support;

namespace Parley.Tui.Tests;

public sealed class ReconnectTests
{
    private static void Drop(Chat chat)
    {
        chat.Backend.IsConnected = false;
        chat.Model.Apply(new DisconnectedEvent(new DisconnectInfo(QuitReason.ConnectionLost, "reset"), WillReconnect: true));
        chat.Model.Apply(new ReconnectingEvent(1, TimeSpan.FromSeconds(2), null));
    }

    private static void Reconnect(Chat chat, params string[] rooms)
    {
        chat.Backend.IsConnected = true;
        chat.Model.Apply(new ConnectingEvent("127.0.0.1:7275", 1));
        chat.Model.Apply(new ConnectedEvent("127.0.0.1:7275", "alice", new Welcome { Nick = "alice" }));
        foreach (string room in rooms)
        {
            var joined = new Joined { Room = room, MemberCount = 1 };
            joined.Members.Add("alice");
            chat.Model.Apply(new RejoinedEvent(joined, 0));
        }
    }

    [Fact]
    public void Lines_typed_while_disconnected_are_pending_then_sent_in_order_once_the_room_is_rejoined()
    {
        var chat = new Chat();
        chat.Join("#a");
        Drop(chat);
        chat.Enter("one").Enter("two");
        Assert.Equal(2, chat.Model.PendingCount);
        Assert.Contains("<alice> one [pending]", chat.Screen(), StringComparison.Ordinal);
        Assert.Contains("[2 pending]", chat.Screen(), StringComparison.Ordinal);
        Assert.Single(chat.Backend.Calls);

        chat.Model.Apply(new ConnectedEvent("127.0.0.1:7275", "alice", new Welcome { Nick = "alice" }));
        chat.Backend.IsConnected = true;
        Assert.Single(chat.Backend.Calls); // not before the room is rejoined
        var joined = new Joined { Room = "#a" };
        chat.Model.Apply(new RejoinedEvent(joined, 0));
        Assert.Equal(["say #a one", "say #a two"], chat.Backend.Calls.Skip(1));
        Assert.Equal(0, chat.Model.PendingCount);
        Assert.DoesNotContain("[pending]", chat.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_screen_tells_of_the_drop_and_the_rejoin()
    {
        var chat = new Chat();
        chat.Join("#a");
        Drop(chat);
        Assert.Contains("disconnected: connection lost (reset)", chat.Lines);
        Reconnect(chat, "#a");
        Assert.Contains("rejoined #a", chat.Lines);
        Assert.Contains(": connected]", chat.Screen(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pending_lines_of_a_room_that_could_not_be_rejoined_are_marked_failed()
    {
        var chat = new Chat();
        chat.Join("#a");
        Drop(chat);
        chat.Enter("lost");
        chat.Model.Apply(new ConnectedEvent("127.0.0.1:7275", "alice", new Welcome { Nick = "alice" }));
        chat.Model.Apply(new RejoinFailedEvent("#a", new ParleyRequestException(ErrorCode.TooManyRooms, "too many")));
        Assert.Contains("[not sent: not in the room]", chat.Screen(200), StringComparison.Ordinal);
        Assert.Contains(chat.Lines, l => l.StartsWith("could not rejoin #a: TOO_MANY_ROOMS", StringComparison.Ordinal));
    }

    [Fact]
    public void Direct_messages_typed_while_disconnected_go_out_on_reconnect()
    {
        var chat = new Chat();
        chat.Enter("/query bob");
        Drop(chat);
        chat.Enter("are you there");
        Reconnect(chat);
        Assert.Equal("whisper bob are you there", chat.Backend.Calls[^1]);
    }

    [Fact]
    public void A_session_closed_for_good_fails_what_waits()
    {
        var chat = new Chat();
        chat.Join("#a");
        Drop(chat);
        chat.Enter("never");
        chat.Model.Apply(new DisconnectedEvent(new DisconnectInfo(QuitReason.Unspecified, "gave up"), WillReconnect: false));
        Assert.Contains("[not sent: the connection is closed for good]", chat.Screen(200), StringComparison.Ordinal);
        Assert.Contains("disconnected]", chat.Render().RowText(22), StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Closed, chat.Model.Status.State);
    }

    [Fact]
    public void A_mention_rings_the_bell_once_and_not_when_the_bell_is_off()
    {
        var chat = new Chat();
        chat.Join("#a").Said("#a", "bob", "alice: hi").Said("#a", "bob", "ALICE!");
        Assert.True(chat.Model.TakeBell());
        Assert.False(chat.Model.TakeBell());
        chat.Said("#a", "bob", "malice is not a mention");
        Assert.False(chat.Model.TakeBell());
        chat.Whispered("bob", "alice", "a direct message rings too");
        Assert.True(chat.Model.TakeBell());

        var quiet = new Chat(options: new ChatOptions { Bell = false });
        quiet.Join("#a").Said("#a", "bob", "alice: hi");
        Assert.False(quiet.Model.TakeBell());
        Assert.True(quiet.Model.Buffers.Find("#a")!.Lines[^1].IsMention);
    }
}
