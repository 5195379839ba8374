using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>TLS connections against the server's limits: unfinished handshakes, per-address admission, a member that stops reading.</summary>
public sealed partial class TlsServerTests
{
    [Fact]
    public async Task Two_hundred_handshakes_that_never_finish_are_closed_at_their_deadline_while_a_client_logs_in_quickly()
    {
        // From 100 addresses, two each (a botnet): from one address the per-address limits would refuse most of them
        // before their handshake (the next test).
        const int slow = 200;
        TimeSpan deadline = TimeSpan.FromSeconds(5);
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["Tls:Enabled"] = "true",
            ["Tls:HandshakeTimeout"] = deadline.ToString("c", CultureInfo.InvariantCulture),
        });
        int before = ServerSockets(server);
        var sockets = new List<Socket>();
        for (int i = 0; i < slow; i++)
        {
            sockets.Add(await ConnectRawAsync(server, IPAddress.Parse($"127.0.1.{1 + i / 2}")));
        }

        // Half say nothing at all; half trickle the start of a TLS record, one byte a second.
        using var stopTrickling = new CancellationTokenSource();
        Task trickling = TrickleAsync(sockets.Where((_, i) => i % 2 == 1).ToList(), stopTrickling.Token);

        long start = Stopwatch.GetTimestamp();
        await using (ParleyConnection legit = await ConnectAsync(server, "legit", server.Fingerprint!))
        {
            TimeSpan loginTime = Stopwatch.GetElapsedTime(start);
            output.WriteLine($"a client connected, shook hands and logged in in {loginTime.TotalMilliseconds:0} ms among {slow} stalled handshakes");
            Assert.True(loginTime < deadline, $"logging in took {loginTime.TotalMilliseconds:0} ms with {slow} stalled handshakes open");
            await legit.JoinAsync("#a");
        }

        bool[] closed = await Task.WhenAll(sockets.Select(ClosedByServerAsync));
        await stopTrickling.CancelAsync();
        await trickling;
        output.WriteLine($"all {slow} closed after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
        Assert.All(closed, Assert.True);
        await Poll.UntilAsync(() => ServerSockets(server) == before, "the server's sockets are back to where they were");
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task Unfinished_handshakes_count_against_their_address_so_one_address_cannot_hold_more_than_its_share()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["Tls:Enabled"] = "true",
            ["MaxConnectionsPerAddress"] = "3",
        });
        var silent = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            silent.Add(await ConnectRawAsync(server));
        }

        await Poll.UntilAsync(() => server.Server.LiveConnections == 3, "the three silent connections hold their slots");

        // The fourth from the same address is refused, in words over TLS, while three handshakes hang.
        // The client reports the refusal as its Hello's failure or as the connection's end, whichever it reads first.
        ParleyException refused = await Assert.ThrowsAnyAsync<ParleyException>(() => ConnectAsync(server, "fourth", server.Fingerprint!));
        Assert.Equal(ErrorCode.TooManyConnectionsFromAddress, refused switch
        {
            ParleyRequestException r => r.Code,
            ParleyConnectionException c => c.Info?.Error,
            _ => null,
        });

        // Another address is not held up; and once the silent ones have gone, the first address connects again.
        using Socket other = await ConnectRawAsync(server, IPAddress.Parse("127.0.1.1"));
        await Poll.UntilAsync(() => server.Server.LiveConnections == 4, "a connection from another address is admitted");
        other.Dispose();
        foreach (Socket socket in silent)
        {
            socket.Dispose();
        }

        await Poll.UntilAsync(() => server.Server.LiveConnections == 0, "the closed connections give their slots back");
        await using ParleyConnection alice = await ConnectAsync(server, "alice", server.Fingerprint!);
        Assert.Equal("alice", alice.Nick);
    }

    [Fact]
    public async Task A_member_that_stops_reading_over_tls_is_evicted_while_another_receives_every_message_in_order()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(InProcessServer.NoRateLimits(new()
        {
            ["Tls:Enabled"] = "true",
            ["SendQueueSoftBytes"] = "65536",
            ["SendQueueHardBytes"] = "262144",
            ["WriteStallTimeout"] = "00:00:02",
        }));
        // Joins, then never reads again; a small receive buffer fills soon.
        await using WireClient stalled = await WireClient.ConnectOverAsync(server.EndPoint, server.Fingerprint, receiveBuffer: 4096);
        await stalled.ReadyAsync("stalled", "#room");
        await using ParleyConnection listener = await ConnectAsync(server, "listener", server.Fingerprint!);
        await using ParleyConnection talker = await ConnectAsync(server, "talker", server.Fingerprint!);
        await listener.JoinAsync("#room");
        await talker.JoinAsync("#room");

        // The listener counts the talker's messages and watches for the stalled member's quit.
        Presence? quit = null;
        var seqs = new List<ulong>();
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task listening = Task.Run(async () =>
        {
            await foreach (ParleyEvent e in listener.Events.ReadAllAsync(reading.Token))
            {
                if (e is PresenceEvent { Presence: { Kind: PresenceKind.Quit, Nick: "stalled" } p })
                {
                    Volatile.Write(ref quit, p);
                }
                else if (e is RoomMessageEvent { Message.From: "talker" } m)
                {
                    lock (seqs)
                    {
                        seqs.Add(m.Message.Seq);
                    }

                    if (m.Message.Text == "end")
                    {
                        return;
                    }
                }
            }
        });

        // Bounded: at most 3,000 messages of 4 KB (12 MB, far more than the socket buffers and the send queue hold).
        string text = new('x', 4000);
        int said = 0;
        while (Volatile.Read(ref quit) is null && said < 3000)
        {
            await talker.SayAsync("#room", text);
            said++;
        }

        await talker.SayAsync("#room", "end");
        await listening;
        output.WriteLine($"the stalled member was evicted after {said} messages of 4 KB");
        Assert.Equal(QuitReason.SlowConsumer, Assert.IsType<Presence>(quit).Reason);
        Assert.Equal(said + 1, seqs.Count);
        Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => seqs[0] + (ulong)i), seqs);
        await Poll.UntilAsync(() => server.Server.LiveConnections == 2, "the evicted member's connection is gone");
    }

    private static async Task TrickleAsync(List<Socket> sockets, CancellationToken stop)
    {
        // A TLS handshake record header, one byte at a time: the server never gets a whole ClientHello.
        byte[] header = [0x16, 0x03, 0x01, 0x02, 0x00];
        for (int i = 0; i < header.Length && !stop.IsCancellationRequested; i++)
        {
            foreach (Socket socket in sockets)
            {
                try
                {
                    await socket.SendAsync(header.AsMemory(i, 1), SocketFlags.None, stop);
                }
                catch (SocketException)
                {
                    // Closed by the server already: that is the point.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop); // the attacker's pace, not a wait for a condition
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
