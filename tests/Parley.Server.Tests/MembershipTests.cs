using Google.Protobuf;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

/// <summary>
/// What follows a user from one connection to the next (issue 5): an account's rooms, listed in
/// Welcome.rooms, and read markers pushed to the user's other connections as ReadMarkerChanged.
/// </summary>
public sealed class MembershipTests
{
    private const string Password = "correct horse battery";

    private static async Task<TestPeer> LoginAsync(InMemoryServer server, string account, bool register = false, string nick = "")
    {
        TestPeer peer = server.Connect();
        Assert.IsType<Welcome>(await peer.AccountHelloAsync(account, Password, register: register, nick: nick));
        return peer;
    }

    private static async Task<Welcome> LoginAgainAsync(InMemoryServer server, TestPeer leaving, string account)
    {
        await leaving.SendAsync(new Goodbye());
        await leaving.ReadToEndAsync();
        await Poll.UntilAsync(() => server.Context.Hub.SessionsOf(account).Length == 0, $"{account} has left");
        TestPeer again = server.Connect();
        return Assert.IsType<Welcome>(await again.AccountHelloAsync(account, Password));
    }

    [Fact]
    public async Task An_accounts_rooms_are_listed_at_its_next_login_in_the_order_joined_without_those_it_left()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = await LoginAsync(server, "alice", register: true);
        await alice.JoinAsync("#Zebra");
        server.Time.Advance(TimeSpan.FromSeconds(1));
        await alice.JoinAsync("#apple");
        await alice.JoinAsync("#gone");
        await alice.OkAsync(new Part { Room = "#GONE" });

        Welcome welcome = await LoginAgainAsync(server, alice, "alice");

        Assert.Equal(["#Zebra", "#apple"], welcome.Rooms);
    }

    [Fact]
    public async Task A_guest_has_no_remembered_rooms()
    {
        await using var server = new InMemoryServer();
        TestPeer guest = server.Connect();
        await guest.HelloAsync("visitor");
        await guest.JoinAsync("#lobby");
        await guest.SendAsync(new Goodbye());
        await guest.ReadToEndAsync();
        await Poll.UntilAsync(() => server.Context.Hub.FindByNick("visitor") is null, "the guest has left");

        TestPeer again = server.Connect();
        Assert.Empty((await again.HelloAsync("visitor")).Rooms);
    }

    [Fact]
    public async Task A_kick_ends_the_membership_but_a_part_by_one_connection_keeps_it_while_another_is_in_the_room()
    {
        await using var server = new InMemoryServer();
        TestPeer owner = await LoginAsync(server, "owner", register: true);
        await owner.JoinAsync("#r");
        await owner.JoinAsync("#s");
        TestPeer laptop = await LoginAsync(server, "bob", register: true);
        TestPeer phone = await LoginAsync(server, "bob", nick: "bobphone");
        await laptop.JoinAsync("#r");
        await laptop.JoinAsync("#s");
        await phone.JoinAsync("#s");

        await phone.OkAsync(new Part { Room = "#s" });
        await owner.OkAsync(new Kick { Room = "#r", Nick = "bob" });
        await laptop.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked);
        await phone.SendAsync(new Goodbye());
        await phone.ReadToEndAsync();

        Welcome welcome = await LoginAgainAsync(server, laptop, "bob");

        Assert.Equal(["#s"], welcome.Rooms);
    }

    [Fact]
    public async Task A_read_marker_moved_on_one_connection_reaches_the_users_other_connections_only()
    {
        await using var server = new InMemoryServer();
        TestPeer laptop = await LoginAsync(server, "alice", register: true);
        TestPeer phone = await LoginAsync(server, "alice", nick: "aliphone");
        TestPeer bob = await LoginAsync(server, "bob", register: true);
        await laptop.JoinAsync("#r");
        await bob.JoinAsync("#r");
        for (int i = 0; i < 3; i++)
        {
            Assert.IsType<Sent>(await bob.RequestAsync(new Say { Room = "#r", Text = $"m{i}" }));
        }

        Assert.IsType<Sent>(await bob.RequestAsync(new Whisper { To = "alice", Text = "psst" }));

        await laptop.OkAsync(new MarkRead { Conversation = "#R", Seq = 2 });
        await laptop.OkAsync(new MarkRead { Conversation = "Bob", Seq = 1 });

        // The room's display name, not as typed; a DM as the MarkRead named it. The phone needs no membership of #r.
        ReadMarkerChanged room = await phone.ExpectAsync<ReadMarkerChanged>();
        ReadMarkerChanged direct = await phone.ExpectAsync<ReadMarkerChanged>();
        Assert.Equal(("#r", 2ul), (room.Conversation, room.Seq));
        Assert.Equal(("Bob", 1ul), (direct.Conversation, direct.Seq));
        Assert.DoesNotContain(await laptop.SeenBeforePongAsync(), m => m is ReadMarkerChanged);
        Assert.DoesNotContain(await bob.SeenBeforePongAsync(), m => m is ReadMarkerChanged);
    }

    [Fact]
    public async Task A_marker_that_does_not_move_forward_is_acknowledged_and_not_pushed()
    {
        await using var server = new InMemoryServer();
        TestPeer laptop = await LoginAsync(server, "alice", register: true);
        TestPeer phone = await LoginAsync(server, "alice", nick: "aliphone");
        await laptop.JoinAsync("#r");
        for (int i = 0; i < 5; i++)
        {
            Assert.IsType<Sent>(await laptop.RequestAsync(new Say { Room = "#r", Text = $"m{i}" }));
        }

        await laptop.OkAsync(new MarkRead { Conversation = "#r", Seq = 4 });
        Assert.Equal(4ul, (await phone.ExpectAsync<ReadMarkerChanged>()).Seq);

        // Older (a stale device), equal, and past the end (taken as the last, 5).
        await phone.OkAsync(new MarkRead { Conversation = "#r", Seq = 3 });
        await phone.OkAsync(new MarkRead { Conversation = "#r", Seq = 4 });
        await phone.OkAsync(new MarkRead { Conversation = "#r", Seq = 1_000_000 });

        List<IMessage> seen = await laptop.SeenBeforePongAsync();
        Assert.Equal([5ul], seen.OfType<ReadMarkerChanged>().Select(m => m.Seq));
        Assert.Equal(5ul, server.Context.Store.GetReadMarker("~alice", "#r"));
    }
}
