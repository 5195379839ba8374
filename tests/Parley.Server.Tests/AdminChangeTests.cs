using Parley.Protocol.Messages;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

/// <summary>What <c>parley admin</c> changes in the database reaches a running server on its next poll (AdminChangeWatcher).</summary>
public sealed class AdminChangeTests
{
    private const string Password = "correct horse battery";

    private static async Task<TestPeer> LoginAsync(InMemoryServer server, string account, string address)
    {
        TestPeer peer = server.Connect(address: address);
        Assert.IsType<Welcome>(await peer.AccountHelloAsync(account, Password, register: true));
        return peer;
    }

    [Fact]
    public async Task A_ban_written_to_the_store_disconnects_whoever_it_matches_at_the_next_poll_and_nobody_before()
    {
        await using var server = new InMemoryServer();
        TestPeer guest = server.Connect(address: "203.0.113.7");
        await guest.HelloAsync("spammer");
        TestPeer bystander = server.Connect(address: "198.51.100.1");
        await bystander.HelloAsync("bystander");
        long now = server.Time.GetUtcNow().ToUnixTimeMilliseconds();

        server.Context.Moderation.SaveBan(new Restriction(Restriction.ServerScope, "address:203.0.113.0/24", "console", "spam", now, 0));
        server.Accounts.Store.NoteAdminChange(AdminChange.Ban, "address:203.0.113.0/24", now);
        Assert.Empty(await guest.SeenBeforePongAsync());
        server.Time.Advance(server.Options.AdminChangePollInterval);

        Goodbye goodbye = await guest.ExpectAsync<Goodbye>();
        Assert.Equal((QuitReason.Banned, "banned from this server: spam"), (goodbye.Reason, goodbye.Message));
        Assert.Empty(await guest.ReadToEndAsync());
        Assert.IsType<Pong>(await bystander.RequestAsync(new Ping { Nonce = 1 }));
        Assert.NotNull(server.Context.ServerBans.Match(null, System.Net.IPAddress.Parse("203.0.113.200"), now));
    }

    [Fact]
    public async Task A_deleted_or_reset_account_loses_its_sessions_and_an_admin_flag_applies_at_once()
    {
        await using var server = new InMemoryServer();
        TestPeer deleted = await LoginAsync(server, "gone", "192.0.2.1");
        TestPeer reset = await LoginAsync(server, "reset", "192.0.2.2");
        TestPeer promoted = await LoginAsync(server, "root", "192.0.2.3");
        IAccountStore store = server.Accounts.Store;
        long now = server.Time.GetUtcNow().ToUnixTimeMilliseconds();

        Assert.True(store.DeleteAccount("gone"));
        store.NoteAdminChange(AdminChange.Account, "gone", now);
        store.NoteAdminChange(AdminChange.Logout, "reset", now);
        Assert.True(store.SetAdmin("root", admin: true));
        store.NoteAdminChange(AdminChange.Account, "root", now);
        server.Time.Advance(server.Options.AdminChangePollInterval);

        Assert.Contains("deleted", (await deleted.ExpectAsync<Goodbye>()).Message, StringComparison.Ordinal);
        Assert.Contains("password was reset", (await reset.ExpectAsync<Goodbye>()).Message, StringComparison.Ordinal);
        // An administrator's server-wide ban: refused to anyone else.
        await promoted.OkAsync(new Ban { Address = "198.51.100.0/24" });
        Assert.True(server.Context.Hub.SessionsOf("root").Single().IsAdmin);
    }

    [Fact]
    public async Task Changes_noted_before_the_server_started_are_not_applied_again()
    {
        var accounts = new InMemoryAccountStore();
        accounts.NoteAdminChange(AdminChange.Logout, "alice", 1);
        var store = new InMemoryChatStore();
        await using var server = new InMemoryServer(store: store, accounts: accounts);
        TestPeer alice = server.Connect();
        Assert.IsType<Welcome>(await alice.AccountHelloAsync("alice", Password, register: true));

        server.Time.Advance(server.Options.AdminChangePollInterval * 3);

        Assert.IsType<Pong>(await alice.RequestAsync(new Ping { Nonce = 2 }));
    }
}
