using Parley.Protocol.Messages;

namespace Parley.Server.Tests.Moderation;

/// <summary>Who may do what to whom: server administrators &gt; the room's owner &gt; its operators &gt; members.</summary>
public sealed class RightsTests
{
    [Theory]
    [InlineData("member", "member", false)]
    [InlineData("operator", "member", true)]
    [InlineData("operator", "operator", false)]
    [InlineData("operator", "owner", false)]
    [InlineData("operator", "admin", false)]
    [InlineData("owner", "member", true)]
    [InlineData("owner", "operator", true)]
    [InlineData("owner", "admin", false)]
    [InlineData("admin", "member", true)]
    [InlineData("admin", "operator", true)]
    [InlineData("admin", "owner", true)]
    [InlineData("admin", "admin", true)]
    public async Task Kick_and_mute_follow_the_rights_matrix(string actorRole, string targetRole, bool allowed)
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer actor = await room.AddAsync("actor", actorRole);
        TestPeer target = await room.AddAsync("target", targetRole);
        string actorNick = actorRole == "owner" ? "own" : "actor", targetNick = targetRole == "owner" ? "own" : "target";

        if (!allowed)
        {
            Assert.Equal(ErrorCode.NotAuthorized, await actor.RefusedAsync(new Mute { Room = "#m", Nick = targetNick }));
            Assert.Equal(ErrorCode.NotAuthorized, await actor.RefusedAsync(new Kick { Room = "#m", Nick = targetNick }));
            Assert.IsType<Sent>(await target.RequestAsync(new Say { Room = "#m", Text = "still here, not muted" }));
            return;
        }

        await actor.OkAsync(new Mute { Room = "#m", Nick = targetNick });
        Assert.Equal(ErrorCode.Muted, await target.RefusedAsync(new Say { Room = "#m", Text = "hello?" }));
        await actor.OkAsync(new Kick { Room = "#m", Nick = targetNick, Reason = "enough" });
        Presence kicked = await target.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked);
        Assert.Equal(("#m", targetNick, actorNick, "enough"), (kicked.Room, kicked.Nick, kicked.By, kicked.Message));
        Assert.Equal(ErrorCode.NotInRoom, await target.RefusedAsync(new Say { Room = "#m", Text = "gone" }));
    }

    [Fact]
    public async Task The_creator_of_a_room_owns_it_and_the_room_says_so()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(account: "alice");
        await alice.HelloAsync("alice");

        Joined joined = await alice.JoinAsync("#a");

        Assert.Equal("alice", joined.Modes.Owner);
        MemberState owner = Assert.Single(joined.MemberStates);
        Assert.Equal(("alice", MemberRole.Owner, false), (owner.Nick, owner.Role, owner.Muted));
    }

    [Fact]
    public async Task A_room_a_guest_created_has_no_owner_and_nobody_in_it_may_moderate()
    {
        await using var server = new InMemoryServer();
        TestPeer guest = server.Connect(), bob = server.Connect(account: "bob");
        await guest.HelloAsync("guest");
        await bob.HelloAsync("bob");
        Joined joined = await guest.JoinAsync("#g");
        await bob.JoinAsync("#g");

        Assert.Equal(string.Empty, joined.Modes.Owner);
        Assert.Empty(joined.MemberStates);
        Assert.Equal(ErrorCode.NotAuthorized, await guest.RefusedAsync(new Kick { Room = "#g", Nick = "bob" }));
        Assert.Equal(ErrorCode.NotAuthorized, await bob.RefusedAsync(new SetRoomMode { Room = "#g", InviteOnly = true }));
        Assert.Equal(ErrorCode.NotAuthorized, await bob.RefusedAsync(new ListBans { Room = "#g" }));
    }

    [Fact]
    public async Task The_owner_makes_operators_and_the_room_sees_each_change()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer bob = await room.AddAsync("bob", "member", guest: false);
        TestPeer watcher = await room.AddAsync("watcher", "member");

        await room.Owner.OkAsync(new SetRole { Room = "#m", Nick = "bob", Role = MemberRole.Operator });
        MemberChanged op = await watcher.ExpectAsync<MemberChanged>();
        Assert.Equal(("#m", "bob", MemberRole.Operator, "own"), (op.Room, op.Nick, op.Role, op.By));
        await watcher.SendAsync(new Names { Room = "#m" });
        Members names = await watcher.ExpectAsync<Members>();
        Assert.Contains(names.MemberStates, s => s is { Nick: "bob", Role: MemberRole.Operator });
        Assert.Equal("own", names.Modes.Owner);

        await room.Owner.OkAsync(new SetRole { Room = "#m", Nick = "bob", Role = MemberRole.Member });
        Assert.Equal(MemberRole.Member, (await watcher.ExpectAsync<MemberChanged>()).Role);
        Assert.Equal(ErrorCode.NotAuthorized, await bob.RefusedAsync(new Kick { Room = "#m", Nick = "watcher" }));
    }

    [Fact]
    public async Task Only_the_owner_or_an_administrator_gives_roles_and_only_to_accounts()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer op = await room.AddAsync("op", "operator");
        await room.AddAsync("guest", "member");
        await room.AddAsync("carol", "member", guest: false);
        TestPeer admin = await room.AddAsync("root", "admin");

        Assert.Equal(ErrorCode.NotAuthorized, await op.RefusedAsync(new SetRole { Room = "#m", Nick = "carol", Role = MemberRole.Operator }));
        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new SetRole { Room = "#m", Nick = "guest", Role = MemberRole.Operator }));
        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new SetRole { Room = "#m", Nick = "carol", Role = MemberRole.Owner }));
        Assert.Equal(ErrorCode.InvalidRequest, await admin.RefusedAsync(new SetRole { Room = "#m", Nick = "own", Role = MemberRole.Member }));
        Assert.Equal(ErrorCode.InvalidRequest, await room.Owner.RefusedAsync(new SetRole { Room = "#m", Nick = "carol", Role = (MemberRole)7 }));
        await admin.OkAsync(new SetRole { Room = "#m", Nick = "carol", Role = MemberRole.Operator });
    }

    [Fact]
    public async Task Moderating_a_room_needs_membership_and_a_target_in_it()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer outsider = server.Connect(account: "outsider");
        await outsider.HelloAsync("outsider");

        Assert.Equal(ErrorCode.NotInRoom, await room.Owner.RefusedAsync(new Kick { Room = "#elsewhere", Nick = "outsider" }));
        Assert.Equal(ErrorCode.NoSuchUser, await room.Owner.RefusedAsync(new Kick { Room = "#m", Nick = "outsider" }));
        Assert.Equal(ErrorCode.NoSuchUser, await room.Owner.RefusedAsync(new Mute { Room = "#m", Nick = "nobody" }));
        Assert.Equal(ErrorCode.InvalidName, await room.Owner.RefusedAsync(new Kick { Room = "not a room", Nick = "x" }));
    }

    [Fact]
    public async Task A_kicked_member_may_join_again()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer bob = await room.AddAsync("bob", "member");

        await room.Owner.OkAsync(new Kick { Room = "#m", Nick = "bob" });
        await bob.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Kicked);

        Joined again = await bob.JoinAsync("#m");
        Assert.Equal(2u, again.MemberCount);
        await bob.OkAsync(new Part { Room = "#m" });
    }
}
