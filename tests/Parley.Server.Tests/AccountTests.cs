using System.Net;
using Google.Protobuf;
using Parley.Protocol.Messages;
using Parley.Server.Accounts;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

public sealed class AccountTests
{
    private const string Password = "correct horse battery";

    /// <summary>Registers from a connection that then leaves, so the account's name is free as a nickname again.</summary>
    private static async Task<Welcome> RegisterAsync(InMemoryServer server, string account, string password = Password, bool wantToken = false)
    {
        TestPeer peer = server.Connect();
        Welcome welcome = Assert.IsType<Welcome>(await peer.AccountHelloAsync(account, password, register: true, wantToken: wantToken));
        await peer.SendAsync(new Goodbye());
        await peer.ReadToEndAsync();
        await Poll.UntilAsync(() => server.Context.Hub.FindByNick(Protocol.ContentRules.Key(welcome.Nick)) is null, "the registering session's nickname is released");
        return welcome;
    }

    /// <summary>Throttle buckets refill on the wall clock (System.Threading.RateLimiting has no TimeProvider): long enough never to refill mid-test.</summary>
    private static void SlowRefill(ServerOptions o)
    {
        o.Accounts.AccountFailureRefill = TimeSpan.FromHours(1);
        o.Accounts.AddressFailureRefill = TimeSpan.FromHours(1);
    }

    private static ErrorCode CodeOf(IMessage reply) => Assert.IsType<Error>(reply).Code;

    [Fact]
    public async Task Register_logs_in_and_a_later_password_login_names_the_account()
    {
        await using var server = new InMemoryServer();

        Welcome registered = await RegisterAsync(server, "Alice");
        Assert.Equal("Alice", registered.Account);
        Assert.Equal("Alice", registered.Nick);
        Assert.Equal(ServerMode.Open, registered.Mode);
        Assert.False(registered.Admin);
        Assert.Empty(registered.ResumeToken);

        Welcome login = Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("alice", Password, nick: "ally"));
        Assert.Equal("Alice", login.Account);
        Assert.Equal("ally", login.Nick);
    }

    [Fact]
    public async Task The_stored_hash_is_an_argon2id_phc_string_with_the_configured_parameters()
    {
        await using var server = new InMemoryServer();
        await RegisterAsync(server, "alice");

        string phc = server.Accounts.Store.FindAccount("alice")!.PasswordHash;

        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", phc);
        Assert.DoesNotContain(Password, phc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_account_get_the_same_answer_and_both_run_the_hasher()
    {
        await using var server = new InMemoryServer();
        await RegisterAsync(server, "alice");
        PasswordHasher hasher = server.Accounts.Hasher;

        long before = hasher.Computed;
        var wrong = Assert.IsType<Error>(await server.Connect().AccountHelloAsync("alice", "not the password"));
        long afterWrong = hasher.Computed;
        var unknown = Assert.IsType<Error>(await server.Connect().AccountHelloAsync("nobody", "not the password"));
        long afterUnknown = hasher.Computed;

        Assert.Equal(ErrorCode.AuthFailed, wrong.Code);
        Assert.Equal(ErrorCode.AuthFailed, unknown.Code);
        Assert.Equal(wrong.Message, unknown.Message);
        Assert.Equal(1, afterWrong - before);
        Assert.Equal(1, afterUnknown - afterWrong);
    }

    [Fact]
    public async Task Failed_logins_to_one_account_are_throttled_without_checking_the_password()
    {
        await using var server = new InMemoryServer(o =>
        {
            SlowRefill(o);
            o.Accounts.FailedLoginsPerAccount = 3;
        });
        await RegisterAsync(server, "alice");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect().AccountHelloAsync("alice", "guess number " + i)));
        }

        long before = server.Accounts.Hasher.Computed;
        var throttled = Assert.IsType<Error>(await server.Connect().AccountHelloAsync("alice", Password));

        Assert.Equal(ErrorCode.RateLimited, throttled.Code);
        Assert.True(throttled.RetryAfterMs > 0);
        Assert.Equal(before, server.Accounts.Hasher.Computed);
        // Another account is not affected.
        await RegisterAsync(server, "bob");
        Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("bob", Password));
    }

    [Fact]
    public async Task Failed_logins_from_one_address_are_throttled_across_accounts()
    {
        await using var server = new InMemoryServer(o =>
        {
            SlowRefill(o);
            o.Accounts.FailedLoginsPerAddress = 3;
        });
        var attacker = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40000);
        var other = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 40000);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect(remote: attacker).AccountHelloAsync($"user{i}", "password" + i)));
        }

        var throttled = Assert.IsType<Error>(await server.Connect(remote: attacker).AccountHelloAsync("user9", "password9"));
        Assert.Equal(ErrorCode.RateLimited, throttled.Code);
        Assert.True(throttled.RetryAfterMs > 0);
        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect(remote: other).AccountHelloAsync("user9", "password9")));
    }

    [Fact]
    public async Task Registered_mode_refuses_guests_and_announces_itself()
    {
        await using var server = new InMemoryServer(o => o.Accounts.Mode = AccountMode.Registered);
        TestPeer guest = server.Connect();

        await guest.SendAsync(new Hello { ProtocolVersion = 1, Nick = "guest" });
        Assert.Equal(ErrorCode.LoginRequired, (await guest.NextAsync<Error>()).Code);

        Welcome welcome = await RegisterAsync(server, "alice");
        Assert.Equal(ServerMode.Registered, welcome.Mode);
    }

    [Fact]
    public async Task Invite_mode_needs_a_valid_single_use_code()
    {
        await using var server = new InMemoryServer(o => o.Accounts.Mode = AccountMode.Invite);
        string code = Secrets.NewInviteCode();
        server.Accounts.Store.AddInvite(new InviteRecord(Secrets.Hash(code), "test", 0));

        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await server.Connect().AccountHelloAsync("alice", Password, register: true)));
        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await server.Connect().AccountHelloAsync("alice", Password, register: true, invite: "made-up")));
        Welcome welcome = Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("alice", Password, register: true, invite: code));
        Assert.Equal(ServerMode.Invite, welcome.Mode);
        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await server.Connect().AccountHelloAsync("bob", Password, register: true, invite: code)));
    }

    [Fact]
    public async Task Registration_can_be_turned_off_and_names_and_passwords_are_checked()
    {
        await using var closed = new InMemoryServer(o => o.Accounts.Registration = false);
        Assert.Equal(ErrorCode.RegistrationClosed, CodeOf(await closed.Connect().AccountHelloAsync("alice", Password, register: true)));

        await using var server = new InMemoryServer();
        Assert.Equal(ErrorCode.WeakPassword, CodeOf(await server.Connect().AccountHelloAsync("alice", "short", register: true)));
        Assert.Equal(ErrorCode.WeakPassword, CodeOf(await server.Connect().AccountHelloAsync("alice", new string('x', 1025), register: true)));
        Assert.Equal(ErrorCode.InvalidName, CodeOf(await server.Connect().AccountHelloAsync("al ice", Password, register: true)));
        await RegisterAsync(server, "alice");
        Assert.Equal(ErrorCode.AccountExists, CodeOf(await server.Connect().AccountHelloAsync("ALICE", Password, register: true)));
    }

    [Fact]
    public async Task Hello_field_combinations_outside_the_table_are_invalid_requests()
    {
        await using var server = new InMemoryServer();
        TestPeer peer = server.Connect();

        Assert.Equal(ErrorCode.InvalidRequest, CodeOf(await peer.AccountHelloAsync("alice", Password, resumeToken: "t")));
        Assert.Equal(ErrorCode.InvalidRequest, CodeOf(await peer.AccountHelloAsync("alice")));
        Assert.Equal(ErrorCode.InvalidRequest, CodeOf(await peer.AccountHelloAsync("", Password)));
        Assert.Equal(ErrorCode.InvalidRequest, CodeOf(await peer.AccountHelloAsync("", wantToken: true)));
        Assert.Equal(ErrorCode.InvalidRequest, CodeOf(await peer.AccountHelloAsync("alice", Password, invite: "code")));
    }

    [Fact]
    public async Task A_registered_name_is_refused_to_guests_and_other_accounts()
    {
        await using var server = new InMemoryServer();
        await RegisterAsync(server, "alice");
        await RegisterAsync(server, "bob");

        TestPeer guest = server.Connect();
        await guest.SendAsync(new Hello { ProtocolVersion = 1, Nick = "ALICE" });
        Assert.Equal(ErrorCode.NickRegistered, (await guest.NextAsync<Error>()).Code);
        await guest.HelloAsync("carol");
        Assert.Equal(ErrorCode.NickRegistered, CodeOf(await guest.RequestAsync(new SetNick { Nick = "alice" })));

        TestPeer bob = server.Connect();
        Assert.Equal(ErrorCode.NickRegistered, CodeOf(await bob.AccountHelloAsync("bob", Password, nick: "alice")));
        Assert.IsType<Welcome>(await bob.AccountHelloAsync("bob", Password, nick: "bobby"));
        Assert.Equal(ErrorCode.NickRegistered, CodeOf(await bob.RequestAsync(new SetNick { Nick = "alice" })));
        Assert.Equal("bob", Assert.IsType<Ok>(await bob.RequestAsync(new SetNick { Nick = "bob" })).Nick);
    }

    [Fact]
    public async Task A_resume_token_logs_in_without_a_hash_until_revoked()
    {
        await using var server = new InMemoryServer();
        Welcome first = await RegisterAsync(server, "alice", wantToken: true);
        string token = first.ResumeToken;
        Assert.InRange(token.Length, 32, 128);

        long before = server.Accounts.Hasher.Computed;
        TestPeer second = server.Connect();
        Welcome resumed = Assert.IsType<Welcome>(await second.AccountHelloAsync("alice", resumeToken: token, nick: "alice2"));
        Assert.Equal("alice", resumed.Account);
        Assert.Equal(before, server.Accounts.Hasher.Computed);

        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect().AccountHelloAsync("bob", resumeToken: token)));
        Assert.IsType<Ok>(await second.RequestAsync(new RevokeResumeToken { Token = token }));
        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect().AccountHelloAsync("alice", resumeToken: token)));
    }

    [Fact]
    public async Task A_resume_token_expires()
    {
        await using var server = new InMemoryServer(o => o.Accounts.ResumeTokenLifetime = TimeSpan.FromDays(30));
        string token = (await RegisterAsync(server, "alice", wantToken: true)).ResumeToken;

        server.Time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));

        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect().AccountHelloAsync("alice", resumeToken: token)));
    }

    [Fact]
    public async Task Changing_the_password_needs_the_old_one_and_revokes_every_token()
    {
        await using var server = new InMemoryServer();
        TestPeer alice = server.Connect();
        string token = Assert.IsType<Welcome>(await alice.AccountHelloAsync("alice", Password, register: true, wantToken: true)).ResumeToken;

        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await alice.RequestAsync(new ChangePassword { OldPassword = "wrong password", NewPassword = "a new password" })));
        Assert.Equal(ErrorCode.WeakPassword, CodeOf(await alice.RequestAsync(new ChangePassword { OldPassword = Password, NewPassword = "short" })));
        Assert.IsType<Ok>(await alice.RequestAsync(new ChangePassword { OldPassword = Password, NewPassword = "a new password" }));

        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect().AccountHelloAsync("alice", resumeToken: token, nick: "a1")));
        Assert.Equal(ErrorCode.AuthFailed, CodeOf(await server.Connect().AccountHelloAsync("alice", Password, nick: "a2")));
        Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("alice", "a new password", nick: "a3"));
    }

    [Fact]
    public async Task A_guest_can_neither_change_a_password_nor_revoke_tokens()
    {
        await using var server = new InMemoryServer();
        TestPeer guest = server.Connect();
        await guest.HelloAsync("carol");

        Assert.Equal(ErrorCode.NotAuthorized, CodeOf(await guest.RequestAsync(new ChangePassword { OldPassword = Password, NewPassword = "a new password" })));
        Assert.Equal(ErrorCode.NotAuthorized, CodeOf(await guest.RequestAsync(new RevokeResumeToken())));
    }

    [Fact]
    public async Task A_weaker_stored_hash_is_upgraded_at_login()
    {
        await using var server = new InMemoryServer(o => o.Accounts.HashIterations = 3);
        string weak = new PasswordHasher(AccountOptions.MinimumMemoryKiB, 2).Hash(Password);
        server.Accounts.Store.CreateAccount(new AccountRecord("alice", "alice", weak, false, 0));

        Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("alice", Password));

        string upgraded = server.Accounts.Store.FindAccount("alice")!.PasswordHash;
        Assert.True(PasswordHasher.TryReadParameters(upgraded, out int memory, out int iterations, out _));
        Assert.Equal((AccountOptions.MinimumMemoryKiB, 3), (memory, iterations));
        Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("alice", Password, nick: "a2"));
    }

    [Fact]
    public async Task Frames_sent_behind_a_hashing_hello_wait_for_its_welcome()
    {
        await using var server = new InMemoryServer();
        TestPeer peer = server.Connect();

        // Hello and Join in one write: the Join must not be read as a request before the handshake.
        await peer.SendAsync(new Hello { ProtocolVersion = 1, Account = "alice", Password = Password, Register = true });
        await peer.SendAsync(new Join { Room = "#general" });

        await peer.NextAsync<Welcome>();
        Assert.Equal("#general", (await peer.NextAsync<Joined>()).Room);
    }

    [Fact]
    public async Task A_full_hash_backlog_answers_rate_limited_at_once()
    {
        await using var server = new InMemoryServer(o =>
        {
            o.Accounts.HashWorkers = 1;
            o.Accounts.HashBacklog = 1;
        });
        using var gate = new ManualResetEventSlim();
        var started = new ManualResetEventSlim();
        // Occupy the one worker and the one backlog slot.
        Task<bool>? running = server.Accounts.Queue.TryRun(() => { started.Set(); return gate.Wait(TimeSpan.FromSeconds(30)); });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        Task<bool>? waiting = server.Accounts.Queue.TryRun(() => true);
        Assert.NotNull(waiting);

        var refused = Assert.IsType<Error>(await server.Connect().AccountHelloAsync("alice", Password, register: true));

        Assert.Equal(ErrorCode.RateLimited, refused.Code);
        Assert.True(refused.RetryAfterMs > 0);
        gate.Set();
        Assert.True(await running!);
        Assert.True(await waiting);
        Assert.IsType<Welcome>(await server.Connect().AccountHelloAsync("alice", Password, register: true));
        started.Dispose();
    }
}
