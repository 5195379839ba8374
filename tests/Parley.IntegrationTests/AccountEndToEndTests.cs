using Microsoft.Data.Sqlite;
using Parley.Protocol.Messages;
using Parley.Server.Accounts;
using static Parley.IntegrationTests.AccountWire;

namespace Parley.IntegrationTests;

/// <summary>Accounts over real sockets against the real SQLite store.</summary>
public sealed class AccountEndToEndTests
{
    private static object? Scalar(InProcessServer server, string sql)
    {
        string path = Path.Combine(server.Server.Options.DataDirectory!, Parley.Storage.Sqlite.SqliteChatStore.FileName);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static AccountService Accounts(InProcessServer server) => server.Server.Context.Accounts;

    [Fact]
    public async Task Register_login_wrong_password_and_unknown_account_over_sockets()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (WireClient alice, Welcome registered) = await LoginAsync(server.EndPoint, "alice", register: true, wantToken: true);
        await using (alice)
        {
            Assert.Equal("alice", registered.Account);
            Assert.NotEmpty(registered.ResumeToken);

            await using WireClient other = await WireClient.ConnectAsync(server.EndPoint);
            long before = Accounts(server).Hasher.Computed;
            Error wrong = Assert.IsType<Error>(await other.AccountHelloAsync("alice", "wrong password", nick: "x1"));
            Error unknown = Assert.IsType<Error>(await other.AccountHelloAsync("mallory", "wrong password"));
            Assert.Equal((ErrorCode.AuthFailed, ErrorCode.AuthFailed), (wrong.Code, unknown.Code));
            Assert.Equal(wrong.Message, unknown.Message);
            Assert.Equal(2, Accounts(server).Hasher.Computed - before);

            Welcome login = Assert.IsType<Welcome>(await other.AccountHelloAsync("ALICE", Password, nick: "alice2"));
            Assert.Equal("alice", login.Account);

            // The database holds a PHC string with the parameters, and no secret in the clear.
            string phc = (string)Scalar(server, "SELECT password_hash FROM accounts WHERE key = 'alice'")!;
            Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", phc);
            Assert.Equal(Secrets.Hash(registered.ResumeToken), Scalar(server, "SELECT token_hash FROM resume_tokens"));
            Assert.Equal(0L, Scalar(server, $"SELECT count(*) FROM resume_tokens WHERE token_hash = '{registered.ResumeToken}'"));
        }
    }

    [Fact]
    public async Task Registered_mode_refuses_guests_and_invite_mode_takes_a_code_from_the_admin_command_once()
    {
        await using InProcessServer registered = await InProcessServer.StartAsync(new() { ["Accounts:Mode"] = "Registered" });
        await using (WireClient guest = await WireClient.ConnectAsync(registered.EndPoint))
        {
            await guest.SendAsync(new Hello { ProtocolVersion = 1, Nick = "guest" });
            Assert.Equal(ErrorCode.LoginRequired, (await guest.ExpectAsync<Error>()).Code);
        }

        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["Accounts:Mode"] = "Invite" });
        // The admin command works on the running server's data directory.
        await using Parley.TestUtilities.ParleyProcess create = Parley.TestUtilities.ParleyProcess.Start("admin", "invite", "create", "--data", server.Server.Options.DataDirectory!);
        Assert.True(await create.WaitForExitAsync() == 0, create.Explain("invite create failed"));
        string code = Assert.Single(create.Lines);

        await using WireClient client = await WireClient.ConnectAsync(server.EndPoint);
        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await client.AccountHelloAsync("alice", Password, register: true)));
        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await client.AccountHelloAsync("alice", Password, register: true, invite: "nope")));
        Welcome welcome = Assert.IsType<Welcome>(await client.AccountHelloAsync("alice", Password, register: true, invite: code));
        Assert.Equal(ServerMode.Invite, welcome.Mode);
        await using WireClient second = await WireClient.ConnectAsync(server.EndPoint);
        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await second.AccountHelloAsync("bob", Password, register: true, invite: code)));
    }

    [Fact]
    public async Task A_registered_name_is_refused_to_a_guest_over_sockets()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (WireClient alice, _) = await LoginAsync(server.EndPoint, "alice", register: true, nick: "ally");
        await using (alice)
        await using (WireClient guest = await WireClient.ConnectAsync(server.EndPoint))
        {
            await guest.SendAsync(new Hello { ProtocolVersion = 1, Nick = "Alice" });
            Assert.Equal(ErrorCode.NickRegistered, (await guest.ExpectAsync<Error>()).Code);
        }
    }

    [Fact]
    public async Task Resume_token_login_revoke_and_password_change()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (WireClient alice, Welcome first) = await LoginAsync(server.EndPoint, "alice", register: true, wantToken: true);
        await using (alice)
        {
            await using WireClient second = await WireClient.ConnectAsync(server.EndPoint);
            long before = Accounts(server).Hasher.Computed;
            Assert.IsType<Welcome>(await second.AccountHelloAsync("alice", resumeToken: first.ResumeToken, nick: "a2", wantToken: false));
            Assert.Equal(before, Accounts(server).Hasher.Computed);

            await second.SendAsync(new RevokeResumeToken { Token = first.ResumeToken });
            await second.ExpectAsync<Ok>();
            await using WireClient third = await WireClient.ConnectAsync(server.EndPoint);
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await third.AccountHelloAsync("alice", resumeToken: first.ResumeToken, nick: "a3")));

            Welcome fresh = Assert.IsType<Welcome>(await third.AccountHelloAsync("alice", Password, nick: "a3", wantToken: true));
            await third.SendAsync(new ChangePassword { OldPassword = Password, NewPassword = "a brand new password" });
            await third.ExpectAsync<Ok>();
            await using WireClient fourth = await WireClient.ConnectAsync(server.EndPoint);
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await fourth.AccountHelloAsync("alice", resumeToken: fresh.ResumeToken, nick: "a4")));
            Assert.Equal(0L, Scalar(server, "SELECT count(*) FROM resume_tokens"));
            Assert.IsType<Welcome>(await fourth.AccountHelloAsync("alice", "a brand new password", nick: "a4"));
        }
    }

    [Fact]
    public async Task An_offline_dm_to_an_account_is_listed_at_its_next_login_after_a_restart()
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["DataDirectory"] = data };
        await using (InProcessServer server = await InProcessServer.StartAsync(settings))
        {
            (WireClient alice, _) = await LoginAsync(server.EndPoint, "alice", register: true);
            await alice.DisposeAsync();
            await using WireClient bob = await WireClient.ConnectReadyAsync(server.EndPoint, "bob");
            await bob.SendAsync(new Whisper { To = "alice", Text = "see you tomorrow", ClientMsgId = "m1" });
            await bob.ExpectAsync<Sent>();
            await using WireClient guestless = await WireClient.ConnectReadyAsync(server.EndPoint, "carol");
            await guestless.SendAsync(new Whisper { To = "nobody", Text = "lost" });
            Assert.Equal(ErrorCode.NoSuchUser, (await guestless.ExpectAsync<Error>()).Code);
        }

        await using (InProcessServer restarted = await InProcessServer.StartAsync(settings))
        {
            (WireClient alice, Welcome welcome) = await LoginAsync(restarted.EndPoint, "alice");
            await using (alice)
            {
                UnreadConversation unread = Assert.Single(welcome.Unread);
                Assert.Equal(("bob", 1u), (unread.Peer, unread.UnreadCount));
                await alice.SendAsync(new History { Conversation = "bob" });
                HistoryPage page = await alice.ExpectAsync<HistoryPage>();
                Assert.Equal("see you tomorrow", Assert.Single(page.DirectMessages).Text);
            }
        }

        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Failed_logins_from_one_address_are_throttled_across_accounts()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["Accounts:FailedLoginsPerAddress"] = "4",
            ["Accounts:AddressFailureRefill"] = "01:00:00",
        });
        await using WireClient client = await WireClient.ConnectAsync(server.EndPoint);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await client.AccountHelloAsync($"user{i}", "password " + i)));
        }

        Error throttled = Assert.IsType<Error>(await client.AccountHelloAsync("user9", "password 9"));
        Assert.Equal(ErrorCode.RateLimited, throttled.Code);
        Assert.True(throttled.RetryAfterMs > 0);
    }
}
