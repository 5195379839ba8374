using Parley.Protocol.Messages;

namespace Parley.Server.Tests.Moderation;

/// <summary>Mutes (timed, on the fake clock), room modes (invite-only, topic lock) and invitations.</summary>
public sealed class MuteModeInviteTests
{
    [Fact]
    public async Task A_timed_mute_refuses_messages_until_it_ends_and_the_room_sees_both_changes()
    {
        await using var server = new InMemoryServer(o => (o.PingInterval, o.IdleTimeout) = (TimeSpan.FromHours(1), TimeSpan.FromHours(2)));
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer bob = await room.AddAsync("bob", "member");
        TestPeer watcher = await room.AddAsync("watcher", "member");

        await room.Owner.OkAsync(new Mute { Room = "#m", Nick = "bob", DurationMs = 5 * 60_000 });

        MemberChanged muted = await watcher.ExpectAsync<MemberChanged>();
        long until = server.Time.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds();
        Assert.Equal(("bob", true, until, "own"), (muted.Nick, muted.Muted, muted.MutedUntilMs, muted.By));
        Error refused = Assert.IsType<Error>(await bob.RequestAsync(new Say { Room = "#m", Text = "let me speak" }));
        Assert.Equal(ErrorCode.Muted, refused.Code);
        Members names = Assert.IsType<Members>(await watcher.RequestAsync(new Names { Room = "#m" }));
        Assert.Contains(names.MemberStates, s => s is { Nick: "bob", Muted: true, Role: MemberRole.Member });

        server.Time.Advance(TimeSpan.FromMinutes(5));

        MemberChanged over = await watcher.ExpectAsync<MemberChanged>();
        Assert.Equal(("bob", false, 0L, ""), (over.Nick, over.Muted, over.MutedUntilMs, over.By));
        Assert.IsType<Sent>(await bob.RequestAsync(new Say { Room = "#m", Text = "thanks" }));
    }

    [Fact]
    public async Task Unmute_lifts_a_mute_at_once_and_a_second_unmute_is_refused()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer op = await room.AddAsync("op", "operator");
        TestPeer bob = await room.AddAsync("bob", "member", guest: false);

        await op.OkAsync(new Mute { Room = "#m", Nick = "bob" });
        Assert.Equal(ErrorCode.Muted, await bob.RefusedAsync(new Say { Room = "#m", Text = "x" }));
        await op.OkAsync(new Mute { Room = "#m", Nick = "bob", Unmute = true });

        Assert.IsType<Sent>(await bob.RequestAsync(new Say { Room = "#m", Text = "y" }));
        Assert.Equal(ErrorCode.InvalidRequest, await op.RefusedAsync(new Mute { Room = "#m", Nick = "bob", Unmute = true }));
        MemberChanged last = await room.Owner.ExpectAsync<MemberChanged>(m => m.Nick == "bob" && !m.Muted);
        Assert.Equal("op", last.By);
    }

    [Fact]
    public async Task An_invite_only_room_admits_the_invited_once_and_its_operators_always()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer member = await room.AddAsync("member", "member");
        TestPeer op = await room.AddAsync("op", "operator");
        TestPeer guest = server.Connect(address: "198.51.100.9");
        await guest.HelloAsync("guest");

        await room.Owner.OkAsync(new SetRoomMode { Room = "#m", InviteOnly = true });
        RoomModeChanged mode = await member.ExpectAsync<RoomModeChanged>();
        Assert.Equal((true, false, "own", "own"), (mode.Modes.InviteOnly, mode.Modes.TopicLocked, mode.Modes.Owner, mode.By));

        Assert.Equal(ErrorCode.InviteOnly, await guest.RefusedAsync(new Join { Room = "#m" }));
        Assert.Equal(ErrorCode.NotAuthorized, await member.RefusedAsync(new Invite { Room = "#m", Nick = "guest" }));
        await op.OkAsync(new Invite { Room = "#m", Nick = "guest" });
        Invited invited = await guest.ExpectAsync<Invited>();
        Assert.Equal(("#m", "op"), (invited.Room, invited.By));

        Joined joined = Assert.IsType<Joined>(await guest.RequestAsync(new Join { Room = "#m" }));
        Assert.True(joined.Modes.InviteOnly);
        await guest.OkAsync(new Part { Room = "#m" });
        Assert.Equal(ErrorCode.InviteOnly, await guest.RefusedAsync(new Join { Room = "#m" }));

        // Operators need no invitation to come back.
        await op.OkAsync(new Part { Room = "#m" });
        Assert.IsType<Joined>(await op.RequestAsync(new Join { Room = "#m" }));
        Assert.Equal(ErrorCode.AlreadyInRoom, await op.RefusedAsync(new Invite { Room = "#m", Nick = "member" }));
        Assert.Equal(ErrorCode.NoSuchUser, await op.RefusedAsync(new Invite { Room = "#m", Nick = "nobody" }));
    }

    [Fact]
    public async Task In_an_open_room_any_member_may_invite()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer member = await room.AddAsync("member", "member");
        TestPeer friend = server.Connect();
        await friend.HelloAsync("friend");

        await member.OkAsync(new Invite { Room = "#m", Nick = "friend" });

        Invited invited = await friend.ExpectAsync<Invited>();
        Assert.Equal(("#m", "member"), (invited.Room, invited.By));
    }

    [Fact]
    public async Task A_topic_locked_room_takes_topics_from_operators_only()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        TestPeer member = await room.AddAsync("member", "member");
        TestPeer op = await room.AddAsync("op", "operator");

        Assert.Equal(ErrorCode.NotAuthorized, await member.RefusedAsync(new SetRoomMode { Room = "#m", TopicLocked = true }));
        await op.OkAsync(new SetRoomMode { Room = "#m", TopicLocked = true });
        RoomModeChanged locked = await member.ExpectAsync<RoomModeChanged>();
        Assert.Equal((false, true, "op"), (locked.Modes.InviteOnly, locked.Modes.TopicLocked, locked.By));

        Assert.Equal(ErrorCode.NotAuthorized, await member.RefusedAsync(new SetTopic { Room = "#m", Topic = "mine now" }));
        await op.OkAsync(new SetTopic { Room = "#m", Topic = "rules" });
        Assert.Equal("rules", (await member.ExpectAsync<TopicChanged>()).Topic);

        // An unchanged mode is no news.
        await op.OkAsync(new SetRoomMode { Room = "#m", TopicLocked = true });
        await op.OkAsync(new SetRoomMode { Room = "#m", TopicLocked = false });
        Assert.False((await member.ExpectAsync<RoomModeChanged>()).Modes.TopicLocked);
        await member.OkAsync(new SetTopic { Room = "#m", Topic = "free again" });
    }

    [Fact]
    public async Task Joined_lists_the_modes_and_every_member_that_is_not_plain()
    {
        await using var server = new InMemoryServer();
        ModerationRoom room = await ModerationRoom.CreateAsync(server);
        await room.AddAsync("op", "operator");
        await room.AddAsync("quiet", "member");
        await room.AddAsync("plain", "member");
        await room.Owner.OkAsync(new Mute { Room = "#m", Nick = "quiet" });
        await room.Owner.OkAsync(new SetRoomMode { Room = "#m", TopicLocked = true });
        TestPeer late = server.Connect(address: "198.51.100.1");
        await late.HelloAsync("late");

        Joined joined = await late.JoinAsync("#m");

        Assert.Equal((false, true, "own"), (joined.Modes.InviteOnly, joined.Modes.TopicLocked, joined.Modes.Owner));
        Assert.Equal(
            [("op", MemberRole.Operator, false), ("own", MemberRole.Owner, false), ("quiet", MemberRole.Member, true)],
            joined.MemberStates.Select(s => (s.Nick, s.Role, s.Muted)).Order());
    }
}
