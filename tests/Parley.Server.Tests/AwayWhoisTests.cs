using System.Text;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

/// <summary>SetAway and Whois (docs/PROTOCOL.md, "Away and whois"), and the read marker in Joined.</summary>
public sealed class AwayWhoisTests
{
    [Fact]
    public async Task Away_is_told_to_every_room_of_the_session_neutralised_and_listed_in_member_states()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#a");
        await alice.JoinAsync("#b");
        await bob.JoinAsync("#a");
        await bob.JoinAsync("#b");

        uint id = await alice.SendAsync(new SetAway { Message = "lunch \u001b[2J" });

        var reply = await alice.ReadAsync();
        while (reply!.Value.Message is not Ok)
        {
            reply = await alice.ReadAsync();
        }

        Assert.Equal(id, reply.Value.RequestId);
        Presence inA = await bob.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Away);
        Presence inB = await bob.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Away);
        Assert.Equal(["#a", "#b"], new[] { inA.Room, inB.Room }.Order());
        Assert.All(new[] { inA, inB }, p => Assert.Equal(("alice", "lunch \u241b[2J"), (p.Nick, p.Message)));

        await bob.SendAsync(new Names { Room = "#a" });
        MemberState listed = Assert.Single((await bob.ExpectAsync<Members>()).MemberStates);
        Assert.Equal(("alice", "lunch \u241b[2J"), (listed.Nick, listed.AwayMessage));

        TestPeer carol = server.Connect();
        await carol.HelloAsync("carol");
        Joined joined = await carol.JoinAsync("#a");
        Assert.Equal("alice", Assert.Single(joined.MemberStates).Nick);

        await alice.SendAsync(new SetAway { Message = "  " });
        Presence back = await bob.ExpectAsync<Presence>(p => p.Kind is PresenceKind.Back or PresenceKind.Away);
        Assert.Equal((PresenceKind.Back, "alice", string.Empty), (back.Kind, back.Nick, back.Message));
        await bob.SendAsync(new Names { Room = "#a" });
        Assert.Empty((await bob.ExpectAsync<Members>()).MemberStates);
    }

    [Fact]
    public async Task An_away_message_is_cut_to_512_bytes_after_neutralisation_on_a_character_boundary()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#a");
        await bob.JoinAsync("#a");

        // ESC becomes the three-byte U+241B, so 300 of them are 900 bytes once neutralised.
        await alice.SendAsync(new SetAway { Message = new string('\u001b', 300) });

        Presence away = await bob.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Away);
        Assert.Equal(new string('\u241b', 170), away.Message);
        Assert.True(Encoding.UTF8.GetByteCount(away.Message) <= ProtocolConstants.MaxReasonBytes);
    }

    [Fact]
    public async Task A_set_away_that_changes_nothing_is_not_announced_and_a_new_message_is()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#a");
        await bob.JoinAsync("#a");

        await alice.SendAsync(new SetAway());
        await alice.SendAsync(new SetAway { Message = "brb" });
        await alice.SendAsync(new SetAway { Message = "brb" });
        await alice.SendAsync(new SetAway { Message = "gone home" });
        await alice.SendAsync(new Say { Room = "#a", Text = "the last thing" });

        var seen = new List<string>();
        while (true)
        {
            var frame = await bob.ReadAsync();
            if (frame!.Value.Message is Presence { Kind: PresenceKind.Away or PresenceKind.Back } p)
            {
                seen.Add($"{p.Kind} {p.Message}");
            }
            else if (frame.Value.Message is Delivered)
            {
                break;
            }
        }

        Assert.Equal(["Away brb", "Away gone home"], seen);
    }

    [Fact]
    public async Task Joining_a_room_while_away_is_announced_as_joined_then_away()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(), bob = server.Connect();
        await alice.HelloAsync("alice");
        await bob.HelloAsync("bob");
        await bob.JoinAsync("#a");
        await alice.SendAsync(new SetAway { Message = "afk" });
        await alice.ExpectAsync<Ok>();

        Joined joined = await alice.JoinAsync("#a");

        Assert.Contains(joined.MemberStates, s => s.Nick == "alice" && s.AwayMessage == "afk");
        Presence first = await bob.ExpectAsync<Presence>(p => p.Nick == "alice");
        Presence second = await bob.NextAsync<Presence>();
        Assert.Equal((PresenceKind.Joined, PresenceKind.Away, "afk"), (first.Kind, second.Kind, second.Message));
    }

    [Fact]
    public async Task Whois_tells_away_shared_rooms_connection_time_and_idle_time()
    {
        await using var server = new InMemoryServer();
        DateTimeOffset connected = server.Time.GetUtcNow();
        TestPeer alice = server.Connect();
        await alice.HelloAsync("alice");
        // Steps of a few seconds: well inside the handshake and idle deadlines the fake clock also moves.
        server.Time.Advance(TimeSpan.FromSeconds(5));
        TestPeer bob = server.Connect();
        await bob.HelloAsync("bob");
        await alice.JoinAsync("#a");
        await alice.JoinAsync("#b");
        await bob.JoinAsync("#a");
        await bob.JoinAsync("#c");
        server.Time.Advance(TimeSpan.FromSeconds(3));
        await alice.SendAsync(new Say { Room = "#a", Text = "hello" });
        await alice.ExpectAsync<Sent>();
        server.Time.Advance(TimeSpan.FromSeconds(7));
        await alice.SendAsync(new SetAway { Message = "lunch" });
        await alice.ExpectAsync<Ok>();

        await bob.SendAsync(new Whois { Nick = "ALICE" });
        WhoisInfo info = await bob.ExpectAsync<WhoisInfo>();

        Assert.Equal("alice", info.Nick);
        Assert.Equal("lunch", info.AwayMessage);
        Assert.Equal(["#a"], info.Rooms);
        Assert.Equal(connected.ToUnixTimeMilliseconds(), info.ConnectedMs);
        Assert.Equal(7_000ul, info.IdleMs);
        Assert.Equal(string.Empty, info.Account);
        Assert.False(info.Admin);

        await alice.SendAsync(new Whois { Nick = "bob" });
        WhoisInfo quiet = await alice.ExpectAsync<WhoisInfo>();
        Assert.Equal((10_000ul, string.Empty), (quiet.IdleMs, quiet.AwayMessage));
    }

    [Fact]
    public async Task Whois_of_an_offline_nickname_is_no_such_user_and_of_a_bad_one_invalid_name()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect();
        await alice.HelloAsync("alice");

        uint offline = await alice.SendAsync(new Whois { Nick = "nobody" });
        var first = await alice.ReadAsync();
        uint bad = await alice.SendAsync(new Whois { Nick = "no body\u0007" });
        var second = await alice.ReadAsync();

        Assert.Equal((offline, ErrorCode.NoSuchUser), (first!.Value.RequestId, Assert.IsType<Error>(first.Value.Message).Code));
        Assert.Equal((bad, ErrorCode.InvalidName), (second!.Value.RequestId, Assert.IsType<Error>(second.Value.Message).Code));
    }

    [Fact]
    public async Task Joined_carries_the_read_marker_of_the_nickname_in_the_room()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect();
        await alice.HelloAsync("alice");
        Assert.Equal(0ul, (await alice.JoinAsync("#a")).ReadSeq);
        for (int i = 0; i < 3; i++)
        {
            await alice.SendAsync(new Say { Room = "#a", Text = $"m{i}" });
            await alice.ExpectAsync<Sent>();
        }

        await alice.SendAsync(new MarkRead { Conversation = "#A", Seq = 2 });
        await alice.ExpectAsync<Ok>();
        await alice.SendAsync(new Part { Room = "#a" });
        await alice.ExpectAsync<Ok>();

        Joined again = await alice.JoinAsync("#a");

        Assert.Equal((2ul, 3ul), (again.ReadSeq, again.LastSeq));
    }
}
