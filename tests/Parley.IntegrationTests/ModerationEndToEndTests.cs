using System.Net;
using Google.Protobuf;
using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// Moderation over real sockets with the real SQLite store. On Linux every 127.0.0.0/8 address is the
/// loopback, so a client bound to 127.0.0.2 is "another host" for address bans.
/// </summary>
public sealed class ModerationEndToEndTests : IDisposable
{
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.2");
    private readonly string _data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Bans_owner_and_modes_survive_a_restart_and_a_banned_address_is_refused_at_connect_while_others_are_served()
    {
        var settings = new Dictionary<string, string?> { ["DataDirectory"] = _data };
        await using (InProcessServer first = await InProcessServer.StartAsync(settings))
        {
            await using WireClient root = await AdminAsync(first, "root");
            await using WireClient alice = await RegisteredAsync(first, "alice");
            await using WireClient stranger = await WireClient.ConnectAsync(first.EndPoint, from: Other);
            await stranger.SendAsync(Hello("stranger"));
            await stranger.ExpectAsync<Welcome>();

            await Request<Joined>(alice, new Join { Room = "#r" });
            await Request<Ok>(alice, new Ban { Room = "#r", Account = "mallory", Reason = "spam" });
            await Request<Ok>(alice, new SetRoomMode { Room = "#r", TopicLocked = true });
            await Request<Ok>(root, new Ban { Address = "127.0.0.2/31", Reason = "abuse" });

            // The connected stranger is told and disconnected at once.
            List<IMessage> last = await stranger.ReadToEndAsync();
            Assert.Contains(last, m => m is Goodbye { Reason: QuitReason.Banned });
        }

        await using InProcessServer second = await InProcessServer.StartAsync(settings);

        await using (WireClient refused = await WireClient.ConnectAsync(second.EndPoint, from: Other))
        {
            List<IMessage> frames = await refused.ReadToEndAsync();
            Error error = Assert.IsType<Error>(Assert.Single(frames));
            Assert.Equal(ErrorCode.Banned, error.Code);
            Assert.Contains("abuse", error.Message, StringComparison.Ordinal);
        }

        await using WireClient mallory = await RegisteredAsync(second, "mallory");
        Assert.Equal(ErrorCode.Banned, (await Request<Error>(mallory, new Join { Room = "#r" })).Code);
        await using WireClient bob = await WireClient.ConnectReadyAsync(second.EndPoint, "bob");
        Joined joined = await Request<Joined>(bob, new Join { Room = "#r" });
        Assert.Equal(("alice", true), (joined.Modes.Owner, joined.Modes.TopicLocked));
        Assert.Equal(ErrorCode.NotAuthorized, (await Request<Error>(bob, new SetTopic { Room = "#r", Topic = "mine" })).Code);
    }

    [Fact]
    public async Task A_ban_added_with_parley_admin_refuses_that_address_when_the_server_starts()
    {
        Directory.CreateDirectory(_data);
        await using (ParleyProcess admin = ParleyProcess.Start("admin", "ban", "add", "address:127.0.0.2", "--duration", "1h", "--reason", "go away", "--data", _data))
        {
            Assert.Equal(0, await admin.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(admin.Lines, l => l.StartsWith("banned address:127.0.0.2/32 from the server for 1h", StringComparison.Ordinal));
        }

        await using ServerProcess server = await ServerProcess.StartWithDataAsync(0, _data);
        var endpoint = IPEndPoint.Parse(server.Address);
        await using (WireClient refused = await WireClient.ConnectOverAsync(endpoint, server.Fingerprint, from: Other))
        {
            Error error = Assert.IsType<Error>(Assert.Single(await refused.ReadToEndAsync()));
            Assert.Equal(ErrorCode.Banned, error.Code);
            Assert.Contains("go away", error.Message, StringComparison.Ordinal);
        }

        await using WireClient served = await WireClient.ConnectReadyAsync(server, "served", "#a");
        await served.SendAsync(new Say { Room = "#a", Text = "still serving" });
        Assert.Equal(1ul, (await served.ExpectAsync<Sent>()).Seq);
        Assert.Empty(server.LoggedErrors);

        await using ParleyProcess list = ParleyProcess.Start("admin", "ban", "list", "--data", _data);
        Assert.Equal(0, await list.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(list.Lines, l => l.StartsWith("address:127.0.0.2/32\tby console\t", StringComparison.Ordinal) && l.EndsWith("\tgo away", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_client_library_mutes_kicks_and_invites_on_a_real_server()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        ParleyEndpoint endpoint = ParleyEndpoint.Parse(server.EndPoint.ToString());
        await using ParleyConnection alice = await ParleyConnection.ConnectAsync(
            await TcpTransport.ConnectAsync(endpoint), new ParleyConnectionOptions { Account = "alice", Password = AccountWire.Password, Register = true });
        await using ParleyConnection bob = await ParleyConnection.ConnectAsync(await TcpTransport.ConnectAsync(endpoint), new ParleyConnectionOptions { Nick = "bob" });
        Assert.Equal("alice", (await alice.JoinAsync("#r")).Modes.Owner);
        await bob.JoinAsync("#r");

        await alice.MuteAsync("#r", "bob", TimeSpan.FromMinutes(5));
        Assert.Equal(ErrorCode.Muted, (await Assert.ThrowsAsync<ParleyRequestException>(() => bob.SayAsync("#r", "hi"))).Code);
        await alice.SetRoomModeAsync("#r", inviteOnly: true);
        await alice.KickAsync("#r", "bob", "cool off");
        await Poll.UntilAsync(
            () => bob.Events.TryRead(out ParleyEvent? e) && e is PresenceEvent { Presence: { Kind: PresenceKind.Kicked, Nick: "bob", By: "alice" } },
            "bob is told he was kicked");

        Assert.Equal(ErrorCode.InviteOnly, (await Assert.ThrowsAsync<ParleyRequestException>(() => bob.JoinAsync("#r"))).Code);
        await alice.InviteAsync("#r", "bob");
        await Poll.UntilAsync(() => bob.Events.TryRead(out ParleyEvent? e) && e is InvitedEvent { Invitation.Room: "#r" }, "bob is invited");
        Joined back = await bob.JoinAsync("#r");
        Assert.Contains(back.MemberStates, s => s is { Nick: "bob", Muted: true });
        Assert.Equal(ErrorCode.NotAuthorized, (await Assert.ThrowsAsync<ParleyRequestException>(() => bob.KickAsync("#r", "alice"))).Code);
        Assert.Empty((await alice.ListBansAsync("#r")).Bans);
    }

    /// <summary>A client logged in to a new account <paramref name="name"/>, registered through its Hello (nickname: the account name).</summary>
    private static async Task<WireClient> RegisteredAsync(InProcessServer server, string name)
    {
        (WireClient client, Welcome welcome) = await AccountWire.LoginAsync(server.EndPoint, name, register: true);
        Assert.Equal((name, false), (welcome.Account, welcome.Admin));
        return client;
    }

    /// <summary>
    /// A client logged in to a server administrator's account: registered through a Hello, made an administrator
    /// in the account store as <c>parley admin user set --admin</c> does, then logged in again with the password.
    /// </summary>
    private static async Task<WireClient> AdminAsync(InProcessServer server, string name)
    {
        (WireClient first, _) = await AccountWire.LoginAsync(server.EndPoint, name, register: true);
        await first.DisposeAsync();
        Assert.True(server.Server.Context.Accounts.Store.SetAdmin(ContentRules.Key(name), admin: true));

        // The first connection's nickname is freed when the server has seen it go.
        await Poll.UntilAsync(() => server.Server.Context.Hub.FindByNick(ContentRules.Key(name)) is null, $"{name}'s first session is gone");
        (WireClient client, Welcome welcome) = await AccountWire.LoginAsync(server.EndPoint, name);
        Assert.True(welcome.Admin, "Welcome.admin is set for an administrator's login");
        return client;
    }

    private static Hello Hello(string nick) => new() { ProtocolVersion = ProtocolConstants.Version, ClientName = "wire-test", Nick = nick };

    /// <summary>Sends a request and reads to its reply (a <typeparamref name="T"/>, or an Error that fails the test).</summary>
    private static async Task<T> Request<T>(WireClient client, IMessage request) where T : class, IMessage
    {
        await client.SendAsync(request);
        while (true)
        {
            IMessage reply = await client.ReadAsync() ?? throw new InvalidOperationException($"closed while waiting for the reply to {request.GetType().Name}");
            if (reply is T t)
            {
                return t;
            }

            if (reply is Error e)
            {
                throw new InvalidOperationException($"{request.GetType().Name} was refused: {e.Code} {e.Message}");
            }
        }
    }
}
