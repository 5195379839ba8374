using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

public class AccountHandshakeTests
{
    [Fact]
    public async Task A_password_login_sends_the_account_fields_and_a_taken_account_name_falls_back_to_its_alternatives()
    {
        var server = new FakeServer();
        var options = new ParleyConnectionOptions { NickInUseRetries = 1 };
        new AccountLogin("alice", "a long password", ResumeTokenChanged: _ => { }).ApplyTo(options);
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(server.ClientSide, options);

        (uint first, Hello hello1) = await server.ExpectAsync<Hello>();
        await server.SendAsync(first, new Error { Code = ErrorCode.NickInUse, Message = "taken" });
        (uint second, Hello hello2) = await server.ExpectAsync<Hello>();
        await server.SendAsync(second, new Welcome { Nick = hello2.Nick, Account = "alice", ResumeToken = "tok", Limits = FakeServer.NoHeartbeat });
        await using var h = new Harness(await connecting.WaitAsync(Harness.Timeout), server);

        Assert.Equal(("alice", "a long password", "", true, false), (hello1.Account, hello1.Password, hello1.ResumeToken, hello1.WantResumeToken, hello1.Register));
        Assert.Equal("", hello1.Nick);
        Assert.Equal("alice_", hello2.Nick);
        Assert.Equal("alice", h.Connection.Account);
        Assert.Equal("tok", h.Connection.Welcome.ResumeToken);
    }

    [Fact]
    public async Task A_saved_token_is_sent_instead_of_the_password()
    {
        var server = new FakeServer();
        var options = new ParleyConnectionOptions();
        new AccountLogin("alice", "a long password", ResumeToken: "saved").ApplyTo(options);
        Task<ParleyConnection> connecting = ParleyConnection.ConnectAsync(server.ClientSide, options);

        Hello hello = await server.AcceptHelloAsync(grantedNick: "alice");
        await using var h = new Harness(await connecting.WaitAsync(Harness.Timeout), server);

        Assert.Equal(("alice", "", "saved", false), (hello.Account, hello.Password, hello.ResumeToken, hello.Register));
    }

    [Fact]
    public void An_account_login_never_shows_its_password()
    {
        var login = new AccountLogin("alice", "a long password");

        Assert.DoesNotContain("a long password", login.ToString(), StringComparison.Ordinal);
    }
}
