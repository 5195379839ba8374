using Google.Protobuf;
using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Tests.Moderation;

/// <summary>Server-wide bans (administrators only), and moderation state kept across a restart.</summary>
public sealed class ServerBanTests
{
    [Fact]
    public async Task A_server_ban_disconnects_the_account_with_Goodbye_BANNED_and_refuses_it_at_Hello()
    {
        await using var server = new InMemoryServer();
        TestPeer admin = server.Connect(account: "root", admin: true, address: "192.0.2.1");
        TestPeer bob = server.Connect(account: "bob", address: "192.0.2.2");
        TestPeer carol = server.Connect(address: "192.0.2.3");
        await admin.HelloAsync("root");
        await bob.HelloAsync("bob");
        await carol.HelloAsync("carol");
        await bob.JoinAsync("#a");
        await carol.JoinAsync("#a");

        await admin.OkAsync(new Ban { Account = "Bob", Reason = "spam" });

        List<IMessage> last = await bob.ReadToEndAsync();
        Goodbye goodbye = Assert.IsType<Goodbye>(Assert.Single(last, m => m is Goodbye));
        Assert.Equal((QuitReason.Banned, "banned from this server: spam"), (goodbye.Reason, goodbye.Message));
        Presence quit = await carol.ExpectAsync<Presence>(p => p.Kind == PresenceKind.Quit);
        Assert.Equal(("bob", QuitReason.Banned, "spam"), (quit.Nick, quit.Reason, quit.Message));

        TestPeer again = server.Connect(account: "bob", address: "198.51.100.1");
        await again.SendAsync(new Hello { ProtocolVersion = 1, Nick = "bob" });
        var refused = await again.ReadAsync();
        Assert.Equal((ErrorCode.Banned, 0u), (Assert.IsType<Error>(refused!.Value.Message).Code, refused.Value.RequestId));
        Assert.Contains("spam", ((Error)refused.Value.Message).Message, StringComparison.Ordinal);
        Assert.Empty(await again.ReadToEndAsync());

        BanList list = Assert.IsType<BanList>(await admin.RequestAsync(new ListBans()));
        Assert.Equal(("", "account:bob", "root"), (list.Room, Assert.Single(list.Bans).Mask, list.Bans[0].By));
        await admin.OkAsync(new Unban { Mask = "account:bob" });
        TestPeer back = server.Connect(account: "bob", address: "198.51.100.1");
        await back.HelloAsync("bob");
    }

    [Fact]
    public async Task A_server_ban_by_address_refuses_that_range_at_Hello_while_others_are_served()
    {
        await using var server = new InMemoryServer();
        TestPeer admin = server.Connect(account: "root", admin: true, address: "192.0.2.1");
        await admin.HelloAsync("root");
        await admin.OkAsync(new Ban { Address = "203.0.113.0/24", DurationMs = 60_000 });

        TestPeer banned = server.Connect(address: "203.0.113.8"), fine = server.Connect(address: "203.0.112.8");
        await banned.SendAsync(new Hello { ProtocolVersion = 1, Nick = "x" });

        Assert.Equal(ErrorCode.Banned, Assert.IsType<Error>((await banned.ReadAsync())!.Value.Message).Code);
        Assert.Equal("fine", (await fine.HelloAsync("fine")).Nick);
    }

    [Fact]
    public async Task Only_administrators_ban_from_the_server_and_not_themselves()
    {
        await using var server = new InMemoryServer();
        TestPeer owner = server.Connect(account: "own", address: "192.0.2.1");
        TestPeer admin = server.Connect(account: "root", admin: true, address: "192.0.2.2");
        await owner.HelloAsync("own");
        await admin.HelloAsync("root");

        Assert.Equal(ErrorCode.NotAuthorized, await owner.RefusedAsync(new Ban { Account = "x" }));
        Assert.Equal(ErrorCode.NotAuthorized, await owner.RefusedAsync(new Unban { Mask = "account:x" }));
        Assert.Equal(ErrorCode.InvalidRequest, await admin.RefusedAsync(new Ban { Address = "192.0.2.0/24" }));
        Assert.Equal(ErrorCode.InvalidRequest, await admin.RefusedAsync(new Ban { Nick = "root" }));
    }

    [Fact]
    public async Task Owner_modes_operators_bans_and_mutes_survive_a_restart()
    {
        var store = new InMemoryChatStore();
        var moderation = new InMemoryModerationStore();
        await using (var first = new InMemoryServer(store: store, moderation: moderation))
        {
            ModerationRoom room = await ModerationRoom.CreateAsync(first);
            await room.AddAsync("op", "operator");
            await room.AddAsync("quiet", "member", guest: false);
            await room.AddAsync("gone", "member", guest: false);
            await room.Owner.OkAsync(new Mute { Room = "#m", Nick = "quiet" });
            await room.Owner.OkAsync(new Ban { Room = "#m", Nick = "gone" });
            await room.Owner.OkAsync(new SetRoomMode { Room = "#m", InviteOnly = true, TopicLocked = true });
        }

        await using var second = new InMemoryServer(store: store, moderation: moderation);
        TestPeer op = second.Connect(account: "op"), quiet = second.Connect(account: "quiet"), gone = second.Connect(account: "gone");
        await op.HelloAsync("op");
        await quiet.HelloAsync("quiet");
        await gone.HelloAsync("gone");

        Joined joined = await op.JoinAsync("#m");
        Assert.Equal((true, true, "own"), (joined.Modes.InviteOnly, joined.Modes.TopicLocked, joined.Modes.Owner));
        Assert.Equal(ErrorCode.Banned, await gone.RefusedAsync(new Join { Room = "#m" }));
        await op.OkAsync(new Invite { Room = "#m", Nick = "quiet" });
        Assert.IsType<Joined>(await quiet.RequestAsync(new Join { Room = "#m" }));
        Assert.Equal(ErrorCode.Muted, await quiet.RefusedAsync(new Say { Room = "#m", Text = "still muted?" }));
    }
}
