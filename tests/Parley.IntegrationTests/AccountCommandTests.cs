using Parley.Protocol.Messages;
using Parley.TestUtilities;
using static Parley.IntegrationTests.AccountWire;

namespace Parley.IntegrationTests;

/// <summary>
/// The account commands as users run them: <c>parley admin user</c> on a data directory, and <c>parley send</c>
/// / <c>parley chat</c> with <c>--account</c>, saving the resume token and using it across a real server restart.
/// </summary>
public sealed class AccountCommandTests : IDisposable
{
    // Each test gets its own XDG_DATA_HOME, so no token ever lands in the real one.
    private readonly string _home = Path.Combine(Path.GetTempPath(), "parley-tests", "home-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private Dictionary<string, string> Environment(string? password = null)
    {
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = _home };
        if (password is not null)
        {
            environment["PARLEY_PASSWORD"] = password;
        }

        return environment;
    }

    private async Task<ParleyProcess> RunAsync(string? stdin, params string[] args)
    {
        ParleyProcess process = ParleyProcess.Start(Environment(), args);
        if (stdin is not null)
        {
            await process.WriteLineAsync(stdin);
        }

        process.CloseInput();
        await process.WaitForExitAsync();
        return process;
    }

    [Fact]
    public async Task Admin_user_commands_manage_accounts_while_the_server_runs()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string data = server.Server.Options.DataDirectory!;

        await using ParleyProcess add = await RunAsync(Password, "admin", "user", "add", "Root", "--admin", "--data", data);
        Assert.True(await add.WaitForExitAsync() == 0, add.Explain("user add failed"));
        Assert.Equal("added account Root (server administrator)", Assert.Single(add.Lines));
        await using ParleyProcess again = await RunAsync(Password, "admin", "user", "add", "root", "--data", data);
        Assert.Equal(1, await again.WaitForExitAsync());
        Assert.Contains(again.ErrorLines, l => l.Contains("exists", StringComparison.Ordinal));
        await using ParleyProcess weak = await RunAsync("short", "admin", "user", "add", "bob", "--data", data);
        Assert.Equal(1, await weak.WaitForExitAsync());

        // The running server sees the new account at the next login.
        (WireClient root, Welcome welcome) = await LoginAsync(server.EndPoint, "root", wantToken: true);
        await root.DisposeAsync();
        Assert.True(welcome.Admin);

        await using ParleyProcess list = await RunAsync(null, "admin", "user", "list", "--data", data);
        Assert.Matches(@"^Root\s+admin\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+argon2id m=19456,t=2,p=1$", Assert.Single(list.Lines));

        await using ParleyProcess unmake = await RunAsync(null, "admin", "user", "set", "root", "--admin", "false", "--data", data);
        Assert.True(await unmake.WaitForExitAsync() == 0, unmake.Explain("user set failed"));
        await using ParleyProcess reset = await RunAsync("another long password", "admin", "user", "reset", "root", "--data", data);
        Assert.True(await reset.WaitForExitAsync() == 0, reset.Explain("user reset failed"));

        await using (WireClient client = await WireClient.ConnectAsync(server.EndPoint))
        {
            // The reset revoked the token and replaced the password.
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await client.AccountHelloAsync("root", resumeToken: welcome.ResumeToken)));
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await client.AccountHelloAsync("root", Password)));
            Welcome after = Assert.IsType<Welcome>(await client.AccountHelloAsync("root", "another long password"));
            Assert.False(after.Admin);
        }

        await using ParleyProcess delete = await RunAsync(null, "admin", "user", "del", "root", "--data", data);
        Assert.True(await delete.WaitForExitAsync() == 0, delete.Explain("user del failed"));
        await using ParleyProcess missing = await RunAsync(null, "admin", "user", "del", "root", "--data", data);
        Assert.Equal(1, await missing.WaitForExitAsync());
        await using WireClient late = await WireClient.ConnectAsync(server.EndPoint);
        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await late.AccountHelloAsync("root", "another long password", nick: "r2")));
    }

    [Fact]
    public async Task Admin_ban_and_user_del_reach_the_sessions_of_a_running_server_within_seconds()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        string data = server.Server.Options.DataDirectory!;
        (WireClient mallory, _) = await LoginAsync(server.EndPoint, "mallory", register: true);
        (WireClient leaving, _) = await LoginAsync(server.EndPoint, "leaving", register: true);
        (WireClient bystander, _) = await LoginAsync(server.EndPoint, "bystander", register: true);

        await using ParleyProcess ban = await RunAsync(null, "admin", "ban", "add", "account:mallory", "--reason", "spam", "--data", data);
        Assert.True(await ban.WaitForExitAsync() == 0, ban.Explain("ban add failed"));
        await using ParleyProcess del = await RunAsync(null, "admin", "user", "del", "leaving", "--data", data);
        Assert.True(await del.WaitForExitAsync() == 0, del.Explain("user del failed"));

        Goodbye banned = await mallory.ExpectAsync<Goodbye>();
        Assert.Equal((QuitReason.Banned, "banned from this server: spam"), (banned.Reason, banned.Message));
        Assert.Contains("deleted", (await leaving.ExpectAsync<Goodbye>()).Message, StringComparison.Ordinal);
        // Until the banned session has finished closing it still holds the nickname, and a new login would be told
        // NICK_IN_USE before its password is checked; once it is gone, the ban itself answers.
        await Poll.UntilAsync(() => !server.Server.Context.Connections.Live.Any(c => c.Session.Nick == "mallory"), "mallory's banned session has closed");

        Assert.Equal(ErrorCode.Banned, CodeOf(await (await WireClient.ConnectAsync(server.EndPoint)).AccountHelloAsync("mallory", Password)));
        await bystander.SendAsync(new Ping { Nonce = 5 });
        Assert.Equal(5ul, (await bystander.ExpectAsync<Pong>()).Nonce);
        await mallory.DisposeAsync();
        await leaving.DisposeAsync();
        await bystander.DisposeAsync();
    }

    [Fact]
    public async Task A_saved_login_and_the_password_survive_a_server_restart()
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        int port = ServerProcess.FreePort();
        try
        {
            await using (ServerProcess server = await ServerProcess.StartWithDataAsync(port, data))
            {
                await using ParleyProcess register = ParleyProcess.Start(Environment(Password),
                    ["send", server.Address, "#general", "first", "--account", "alice", "--register", .. server.ClientArgs]);
                Assert.True(await register.WaitForExitAsync() == 0, register.Explain("send --register failed"));
                await server.Process.TerminateAsync();
                await server.Process.WaitForExitAsync();
            }

            string tokenFile = Assert.Single(Directory.GetFiles(Path.Combine(_home, "parley", "tokens")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            }

            Assert.DoesNotContain(Password, await File.ReadAllTextAsync(tokenFile), StringComparison.Ordinal);

            await using (ServerProcess restarted = await ServerProcess.StartWithDataAsync(port, data))
            {
                // No password given: the saved token logs in.
                await using ParleyProcess send = ParleyProcess.Start(Environment(), ["send", restarted.Address, "#general", "second", "--account", "alice", .. restarted.ClientArgs]);
                Assert.True(await send.WaitForExitAsync() == 0, send.Explain("send with the saved login failed"));
                Assert.Contains(restarted.Process.Lines, l => l.Contains("logged in to alice (resume token)", StringComparison.Ordinal));

                // The password still works, and a wrong one does not.
                (WireClient client, Welcome welcome) = await LoginAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, restarted.Port), "alice", fingerprint: restarted.Fingerprint);
                await client.DisposeAsync();
                Assert.Equal("alice", welcome.Account);
                File.Delete(tokenFile);
                await using ParleyProcess wrong = ParleyProcess.Start(Environment("not the password"), ["send", restarted.Address, "#general", "third", "--account", "alice", "--name", "alice9", .. restarted.ClientArgs]);
                Assert.Equal(1, await wrong.WaitForExitAsync());
                Assert.Contains(wrong.ErrorLines, l => l.Contains("AUTH_FAILED", StringComparison.Ordinal));
                Assert.Empty(restarted.LoggedErrors);
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Passwd_changes_the_password_and_revokes_saved_logins()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (WireClient alice, Welcome welcome) = await LoginAsync(server.EndPoint, "alice", register: true, wantToken: true);
        await alice.DisposeAsync();
        var environment = Environment(Password);
        environment["PARLEY_NEW_PASSWORD"] = "a different password";
        string address = $"127.0.0.1:{server.EndPoint.Port}";

        await using ParleyProcess passwd = ParleyProcess.Start(environment, "passwd", address, "--account", "alice", "--insecure-no-tls");
        passwd.CloseInput();
        Assert.True(await passwd.WaitForExitAsync() == 0, passwd.Explain("passwd failed"));
        Assert.Equal("password of alice changed; its saved logins are revoked", Assert.Single(passwd.Lines));

        await using WireClient client = await WireClient.ConnectAsync(server.EndPoint);
        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await client.AccountHelloAsync("alice", resumeToken: welcome.ResumeToken)));
        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await client.AccountHelloAsync("alice", Password)));
        Assert.IsType<Welcome>(await client.AccountHelloAsync("alice", "a different password"));
    }

    [Fact]
    public async Task Plain_chat_logs_in_with_an_account_and_a_guest_cannot_take_its_name()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        string passwordFile = Path.Combine(_home, "password");
        Directory.CreateDirectory(_home);
        await File.WriteAllTextAsync(passwordFile, Password + "\n");

        await using ParleyProcess chat = ParleyProcess.Start(Environment(), ["chat", server.Address, "--plain", "--account", "alice", "--register", "--password-file", passwordFile, .. server.ClientArgs]);
        await chat.WaitForLineAsync(l => l == $"-- connected to {server.Address} as alice", reason: "connected as the account");

        await using ParleyProcess guest = ParleyProcess.Start(Environment(), ["send", server.Address, "#general", "hi", "--name", "alice", .. server.ClientArgs]);
        Assert.Equal(1, await guest.WaitForExitAsync());
        Assert.Contains(guest.ErrorLines, l => l.Contains("NICK_REGISTERED", StringComparison.Ordinal));

        await chat.WriteLineAsync("/quit");
        Assert.Equal(0, await chat.WaitForExitAsync());
    }
}
