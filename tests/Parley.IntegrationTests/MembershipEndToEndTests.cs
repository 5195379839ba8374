using System.Net;
using Parley.Client;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// What follows a user across connections, devices and server restarts (issue 5), on a real server process over
/// real TLS: an account's rooms (Welcome.rooms, joined again by the client library) and read markers pushed live
/// to the user's other connections.
/// </summary>
public sealed class MembershipEndToEndTests
{
    [Fact]
    public async Task An_accounts_rooms_survive_a_sigkill_of_the_server_and_a_new_client_session_joins_them_by_itself()
    {
        string data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        int port = ServerProcess.FreePort();
        ServerProcess server = await ServerProcess.StartWithDataAsync(port, data, "--no-rate-limits");
        try
        {
            IPEndPoint endpoint = IPEndPoint.Parse(server.Address);
            (WireClient alice, _) = await AccountWire.LoginAsync(endpoint, "alice", register: true, fingerprint: server.Fingerprint);
            foreach (string room in new[] { "#Zebra", "#apple", "#leaving" })
            {
                await alice.SendAsync(new Join { Room = room });
                await alice.ExpectAsync<Joined>();
            }

            await alice.SendAsync(new Part { Room = "#leaving" });
            await alice.ExpectAsync<Ok>();
            await alice.SendAsync(new Say { Room = "#apple", Text = "before the crash" });
            await alice.ExpectAsync<Sent>();

            await server.KillAsync();
            await server.DisposeAsync();
            server = await ServerProcess.StartWithDataAsync(port, data, "--no-rate-limits");

            (WireClient again, Welcome welcome) = await AccountWire.LoginAsync(endpoint, "alice", fingerprint: server.Fingerprint);
            Assert.Equal(["#Zebra", "#apple"], welcome.Rooms);
            await again.DisposeAsync();

            // A client starting afresh (another device, or after a restart) is back in them without a /join.
            var options = new ParleySessionOptions { Connection = { Tls = TestTls.For(server) } };
            new AccountLogin("alice", AccountWire.Password).ApplyTo(options);
            await using ParleySession session = ParleySession.ForServer(ParleyEndpoint.Parse(server.Address), options);
            var restored = new List<Joined>();
            Task watching = Task.Run(async () =>
            {
                await foreach (ParleyEvent e in session.Events.ReadAllAsync())
                {
                    if (e is RoomRestoredEvent r)
                    {
                        lock (restored)
                        {
                            restored.Add(r.Joined);
                        }
                    }
                }
            });
            session.Start();
            await session.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(["#Zebra", "#apple"], session.Rooms.Select(r => r.Name));
            await Poll.UntilAsync(() => { lock (restored) { return restored.Count == 2; } }, "two rooms restored");
            Assert.Equal(1ul, restored.Single(j => j.Room == "#apple").LastSeq);
            await session.QuitAsync();
            await watching.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Reading_on_one_connection_moves_the_marker_on_the_users_other_connection_at_once()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(0, "--no-rate-limits");
        IPEndPoint endpoint = IPEndPoint.Parse(server.Address);
        (WireClient laptop, _) = await AccountWire.LoginAsync(endpoint, "alice", register: true, fingerprint: server.Fingerprint);
        (WireClient phone, _) = await AccountWire.LoginAsync(endpoint, "alice", nick: "aliphone", fingerprint: server.Fingerprint);
        await using WireClient bob = await WireClient.ConnectReadyAsync(server, "bob", "#a");
        foreach (WireClient device in new[] { laptop, phone })
        {
            await device.SendAsync(new Join { Room = "#a" });
            await device.ExpectAsync<Joined>();
        }

        for (int i = 1; i <= 3; i++)
        {
            await bob.SendAsync(new Say { Room = "#a", Text = $"m{i}" });
            await bob.ExpectAsync<Sent>();
        }

        await laptop.SendAsync(new MarkRead { Conversation = "#A", Seq = 3 });
        await laptop.ExpectAsync<Ok>();

        ReadMarkerChanged moved = await phone.ExpectAsync<ReadMarkerChanged>();
        Assert.Equal(("#a", 3ul), (moved.Conversation, moved.Seq));
        await phone.SendAsync(new Part { Room = "#a" });
        await phone.ExpectAsync<Ok>();
        await phone.SendAsync(new Join { Room = "#a" });
        Assert.Equal(3ul, (await phone.ExpectAsync<Joined>()).ReadSeq);
        await laptop.DisposeAsync();
        await phone.DisposeAsync();
    }
}
