using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

/// <summary>Direct messages to accounts (issue 5): kept for an offline account, keyed by account across nicknames.</summary>
public sealed class AccountMessageTests
{
    private const string Password = "correct horse battery";

    private static async Task<TestPeer> LoginAsync(InMemoryServer server, string account, bool register = false, string nick = "")
    {
        TestPeer peer = server.Connect();
        Assert.IsType<Welcome>(await peer.AccountHelloAsync(account, Password, register: register, nick: nick));
        return peer;
    }

    private static async Task LeaveAsync(InMemoryServer server, TestPeer peer, string nick)
    {
        await peer.SendAsync(new Goodbye());
        await peer.ReadToEndAsync();
        await Poll.UntilAsync(() => server.Context.Hub.FindByNick(nick) is null, $"{nick} has left");
    }

    [Fact]
    public async Task A_whisper_to_an_offline_account_is_kept_and_listed_as_unread_at_its_next_login()
    {
        await using var server = new InMemoryServer();
        await LeaveAsync(server, await LoginAsync(server, "alice", register: true), "alice");
        TestPeer bob = server.Connect();
        await bob.HelloAsync("bob");

        Assert.IsType<Sent>(await bob.RequestAsync(new Whisper { To = "Alice", Text = "are you there?" }));
        Assert.Equal("alice", (await bob.ExpectAsync<DirectDelivered>()).To);

        TestPeer alice = server.Connect();
        Welcome welcome = Assert.IsType<Welcome>(await alice.AccountHelloAsync("alice", Password));
        UnreadConversation unread = Assert.Single(welcome.Unread);
        Assert.Equal("bob", unread.Peer);
        Assert.Equal(1u, unread.UnreadCount);

        var page = Assert.IsType<HistoryPage>(await alice.RequestAsync(new History { Conversation = "bob" }));
        Assert.Equal("are you there?", Assert.Single(page.DirectMessages).Text);
    }

    [Fact]
    public async Task A_whisper_to_an_offline_guest_is_still_refused()
    {
        await using var server = new InMemoryServer();
        TestPeer bob = server.Connect();
        await bob.HelloAsync("bob");

        Assert.Equal(ErrorCode.NoSuchUser, Assert.IsType<Error>(await bob.RequestAsync(new Whisper { To = "carol", Text = "hi" })).Code);
    }

    [Fact]
    public async Task An_account_conversation_survives_nickname_changes_and_reaches_every_session_of_the_account()
    {
        await using var server = new InMemoryServer();
        TestPeer alice1 = await LoginAsync(server, "alice", register: true);
        TestPeer alice2 = await LoginAsync(server, "alice", nick: "ally");
        TestPeer bob = await LoginAsync(server, "bob", register: true);

        Assert.IsType<Ok>(await alice1.RequestAsync(new SetNick { Nick = "wonderland" }));
        // Bob names the account; both of alice's sessions get it, under whatever nickname they hold.
        Assert.IsType<Sent>(await bob.RequestAsync(new Whisper { To = "alice", Text = "one" }));
        Assert.Equal("one", (await alice1.ExpectAsync<DirectDelivered>(m => m.Text == "one")).Text);
        Assert.Equal("one", (await alice2.ExpectAsync<DirectDelivered>(m => m.Text == "one")).Text);
        // Bob names a nickname alice holds: the same conversation.
        Assert.IsType<Sent>(await bob.RequestAsync(new Whisper { To = "ally", Text = "two" }));
        Assert.Equal("two", (await alice1.ExpectAsync<DirectDelivered>(m => m.Text == "two")).Text);
        // Alice answers from one session: her other session sees her own message too.
        Assert.IsType<Sent>(await alice2.RequestAsync(new Whisper { To = "bob", Text = "three" }));
        Assert.Equal("three", (await alice1.ExpectAsync<DirectDelivered>(m => m.Text == "three")).Text);
        Assert.Equal("three", (await bob.ExpectAsync<DirectDelivered>(m => m.Text == "three")).Text);

        var page = Assert.IsType<HistoryPage>(await bob.RequestAsync(new History { Conversation = "alice" }));
        Assert.Equal(["one", "two", "three"], page.DirectMessages.Select(m => m.Text));
        Assert.Equal([1ul, 2ul, 3ul], page.DirectMessages.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_guest_who_once_used_a_name_does_not_share_history_with_the_account_that_takes_it()
    {
        await using var server = new InMemoryServer();
        TestPeer dave = server.Connect();
        await dave.HelloAsync("dave");
        TestPeer bob = server.Connect();
        await bob.HelloAsync("bob");
        Assert.IsType<Sent>(await bob.RequestAsync(new Whisper { To = "dave", Text = "for the guest dave" }));
        await LeaveAsync(server, dave, "dave");

        TestPeer account = server.Connect();
        Welcome welcome = Assert.IsType<Welcome>(await account.AccountHelloAsync("dave", Password, register: true));

        Assert.Empty(welcome.Unread);
        var page = Assert.IsType<HistoryPage>(await account.RequestAsync(new History { Conversation = "bob" }));
        Assert.Empty(page.DirectMessages);
    }
}
