using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests.Moderation;

/// <summary>
/// Moderation reads the real login (the other moderation tests stand in for one with <c>Connect(account:)</c>):
/// the account that logged in owns the rooms it creates, an administrator's account acts on the whole server,
/// and a server ban of an account is enforced once the password has been checked, before a nickname is taken.
/// </summary>
public sealed class LoginTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_logged_in_creator_owns_its_room_and_an_administrators_login_bans_from_the_server()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect(address: "192.0.2.1");
        Welcome welcome = Assert.IsType<Welcome>(await alice.AccountHelloAsync("Alice", Password, register: true));
        Assert.Equal(("Alice", false), (welcome.Account, welcome.Admin));
        Assert.Equal("alice", (await alice.JoinAsync("#r")).Modes.Owner);

        TestPeer bob = server.Connect(address: "192.0.2.2");
        await bob.HelloAsync("bob");
        await bob.JoinAsync("#r");
        await alice.OkAsync(new Kick { Room = "#r", Nick = "bob" });
        Assert.Equal(ErrorCode.NotAuthorized, await alice.RefusedAsync(new Ban { Address = "198.51.100.0/24" }));

        // Made an administrator as `parley admin user set root --admin true` does: from the next login on.
        TestPeer registering = server.Connect(address: "192.0.2.3");
        Assert.False(Assert.IsType<Welcome>(await registering.AccountHelloAsync("root", Password, register: true)).Admin);
        Assert.True(server.Context.Accounts.Store.SetAdmin("root", admin: true));
        await registering.DisposeAsync();
        await Poll.UntilAsync(() => server.Context.Hub.FindByNick("root") is null, "the registering session of root is gone");
        TestPeer root = server.Connect(address: "192.0.2.4");
        Assert.True(Assert.IsType<Welcome>(await root.AccountHelloAsync("root", Password)).Admin);
        await root.OkAsync(new Ban { Address = "198.51.100.0/24" });
    }

    [Fact]
    public async Task A_server_ban_of_an_account_refuses_its_login_once_the_password_is_checked_and_takes_no_nickname()
    {
        await using var server = new InMemoryServer();
        TestPeer admin = server.Connect(account: "root", admin: true, address: "192.0.2.1");
        await admin.HelloAsync("root");
        TestPeer first = server.Connect(address: "192.0.2.2");
        Assert.IsType<Welcome>(await first.AccountHelloAsync("mallory", Password, register: true));

        await admin.OkAsync(new Ban { Account = "mallory", Reason = "spam" });
        Assert.Contains(await first.ReadToEndAsync(), m => m is Goodbye { Reason: QuitReason.Banned });
        await Poll.UntilAsync(() => server.Context.Hub.FindByNick("mallory") is null, "the banned session is gone");

        // A wrong password learns nothing of the ban; the right one is refused, with request id 0, and closed.
        TestPeer again = server.Connect(address: "198.51.100.1");
        Assert.Equal(ErrorCode.AuthFailed, Assert.IsType<Error>(await again.AccountHelloAsync("mallory", "not the password")).Code);
        await again.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "test", Account = "mallory", Password = Password });
        var refused = await again.ReadAsync();
        Error error = Assert.IsType<Error>(refused!.Value.Message);
        Assert.Equal((ErrorCode.Banned, 0u), (error.Code, refused.Value.RequestId));
        Assert.Contains("spam", error.Message, StringComparison.Ordinal);
        Assert.Empty(await again.ReadToEndAsync());
        Assert.Null(server.Context.Hub.FindByNick("mallory"));
        Assert.Empty(server.Context.Hub.SessionsOf("mallory"));

        // A guest from another address is still served.
        TestPeer guest = server.Connect(address: "198.51.100.2");
        Assert.Equal("guest1", (await guest.HelloAsync("guest1")).Nick);
    }
}
