using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

public sealed class RoomTests
{
    [Fact]
    public async Task Room_messages_reach_every_member_in_order_with_consecutive_sequence_numbers()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#room");
        Joined bobJoined = await bob.JoinAsync("#Room");
        Assert.Equal("#room", bobJoined.Room);
        Assert.Equal(["alice", "bob"], bobJoined.Members.Order());

        for (int i = 0; i < 20; i++)
        {
            await alice.SendAsync(new Say { Room = "#room", Text = $"m{i}", ClientMsgId = $"c{i}" });
        }

        for (int i = 0; i < 20; i++)
        {
            Sent sent = await alice.ExpectAsync<Sent>();
            Assert.Equal($"c{i}", sent.ClientMsgId);
            Assert.Equal((ulong)(i + 1), sent.Seq);
            Delivered own = await alice.NextAsync<Delivered>();
            Delivered theirs = await bob.ExpectAsync<Delivered>();
            Assert.Equal((own.Seq, own.Text, own.From), (theirs.Seq, theirs.Text, theirs.From));
            Assert.Equal($"m{i}", theirs.Text);
            Assert.Equal(sent.Seq, theirs.Seq);
        }
    }

    [Fact]
    public async Task Saying_in_a_room_one_has_not_joined_is_refused()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect();
        await alice.HelloAsync("alice");
        uint id = await alice.SendAsync(new Say { Room = "#nowhere", Text = "hi" });

        var reply = await alice.ReadAsync();

        Assert.Equal(id, reply!.Value.RequestId);
        Assert.Equal(ErrorCode.NotInRoom, Assert.IsType<Error>(reply.Value.Message).Code);
    }

    [Fact]
    public async Task Escape_sequences_in_text_are_neutralised_for_every_receiver()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#a");
        await bob.JoinAsync("#a");

        await alice.SendAsync(new Say { Room = "#a", Text = "\u001b[2J\u001b]0;pwned\u0007\u202Eevil" });

        Delivered delivered = await bob.ExpectAsync<Delivered>();
        Assert.DoesNotContain('\u001b', delivered.Text);
        Assert.DoesNotContain('\u0007', delivered.Text);
        Assert.DoesNotContain('\u202E', delivered.Text);
        Assert.Contains("\u241b[2J", delivered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Part_nick_topic_names_and_list_are_seen_by_the_room()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#a");
        await bob.JoinAsync("#a");
        Assert.Equal("bob", (await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Joined && p.Nick == "bob")).Nick);

        await bob.SendAsync(new SetNick { Nick = "robert" });
        Assert.Equal("robert", (await bob.ExpectAsync<Ok>()).Nick);
        Presence nick = await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Nick);
        Assert.Equal(("#a", "bob", "robert"), (nick.Room, nick.Nick, nick.NewNick));

        await bob.SendAsync(new SetTopic { Room = "#a", Topic = "plans" });
        TopicChanged topic = await alice.ExpectAsync<TopicChanged>();
        Assert.Equal(("plans", "robert"), (topic.Topic, topic.By));

        await alice.SendAsync(new Names { Room = "#a" });
        Members members = await alice.ExpectAsync<Members>();
        Assert.Equal(["alice", "robert"], members.Members_.Order());

        await alice.SendAsync(new ListRooms());
        RoomList list = await alice.ExpectAsync<RoomList>();
        RoomInfo info = Assert.Single(list.Rooms);
        Assert.Equal(("#a", 2u, "plans"), (info.Name, info.MemberCount, info.Topic));

        await bob.SendAsync(new Part { Room = "#a", Reason = "lunch" });
        Presence left = await alice.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Left);
        Assert.Equal(("robert", "lunch"), (left.Nick, left.Message));
    }

    [Fact]
    public async Task Direct_messages_reach_the_recipient_and_echo_to_the_sender()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");

        await alice.SendAsync(new Whisper { To = "BOB", Text = "psst" });

        Sent sent = await alice.NextAsync<Sent>();
        DirectDelivered echo = await alice.NextAsync<DirectDelivered>();
        DirectDelivered received = await bob.NextAsync<DirectDelivered>();
        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal(("alice", "bob", "psst"), (received.From, received.To, received.Text));
        Assert.Equal(received.MessageId, echo.MessageId);

        await alice.SendAsync(new Whisper { To = "nobody", Text = "hello?" });
        Assert.Equal(ErrorCode.NoSuchUser, (await alice.NextAsync<Error>()).Code);
    }
}
