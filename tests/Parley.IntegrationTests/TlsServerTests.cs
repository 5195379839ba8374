using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.TestUtilities;
using Xunit.Abstractions;

namespace Parley.IntegrationTests;

/// <summary>
/// The server's side of TLS over real sockets: certificate files replaced under a running server, and the
/// hostile-input items of issue 4 that belong to TLS (plaintext and garbage on the TLS port, handshakes that never end).
/// Each hostile case checks the connection is closed, a legitimate client is served meanwhile, and the server's
/// sockets return to what they were.
/// </summary>
public sealed class TlsServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Renewed_certbot_files_are_used_for_new_connections_while_an_open_one_keeps_chatting()
    {
        using var directory = new TempDirectory();
        var certbot = new TestCertificates.CertbotLayout(directory.Path);
        string first = certbot.Renew(rsa: true);
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["Tls:Enabled"] = "true",
            ["Tls:CertificateFile"] = certbot.CertificateFile,
            ["Tls:KeyFile"] = certbot.KeyFile,
            // The watcher reloads within its debounce; the periodic check is the fallback where inotify is exhausted.
            ["Tls:ReloadCheckInterval"] = "00:00:05",
        });
        Assert.Equal(first, server.Fingerprint);
        await using ParleyConnection alice = await ConnectAsync(server, "alice", first);
        await alice.JoinAsync("#a");

        string second = certbot.Renew(rsa: false);
        await Poll.UntilAsync(async () => await TryConnectAsync(server, second), "a new connection is offered the renewed certificate");

        await AssertRefusedAsync(server, first, ServerTrustFailure.NotTrusted);
        await using ParleyConnection bob = await ConnectAsync(server, "bob", second);
        await bob.JoinAsync("#a");
        await alice.SayAsync("#a", "from the old session");
        await bob.SayAsync("#a", "from the new one");
        Assert.Equal(["from the old session", "from the new one"], await TextsAsync(bob, 2));
        Assert.Equal(["from the old session", "from the new one"], await TextsAsync(alice, 2));
        Assert.Equal(1, server.Server.Tls!.Reloads);
    }

    [Fact]
    public async Task A_key_that_does_not_load_keeps_the_certificate_in_use_and_logs_an_error()
    {
        using var directory = new TempDirectory();
        var certbot = new TestCertificates.CertbotLayout(directory.Path);
        string first = certbot.Renew();
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["Tls:Enabled"] = "true",
            ["Tls:CertificateFile"] = certbot.CertificateFile,
            ["Tls:KeyFile"] = certbot.KeyFile,
        });

        // A half-finished renewal: the key is replaced by one that is not the certificate's.
        await File.WriteAllTextAsync(certbot.KeyFile + ".new", TestCertificates.Create(rsa: false).KeyPem);
        File.Move(certbot.KeyFile + ".new", certbot.KeyFile, overwrite: true);
        Assert.False(server.Server.ReloadCertificate("test"));

        // The watcher may have tried the same files first (once: a failed state is not retried until it changes).
        Assert.Contains(server.Errors, e => e.Contains("Reloading the TLS certificate (test) failed", StringComparison.Ordinal));
        Assert.All(server.Errors, e => Assert.Contains($"failed; still using the one with fingerprint {first}", e, StringComparison.Ordinal));
        Assert.InRange(server.Errors.Count, 1, 2);
        server.Errors.Clear();
        Assert.Equal(first, server.Fingerprint);
        await using ParleyConnection alice = await ConnectAsync(server, "alice", first);
        Assert.Equal("alice", alice.Nick);
    }

    [Fact]
    public async Task A_silent_connection_is_closed_at_the_handshake_timeout_while_others_connect()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["Tls:Enabled"] = "true", ["Tls:HandshakeTimeout"] = "00:00:01" });
        int before = ServerSockets(server);
        using Socket silent = await ConnectRawAsync(server);
        long start = Stopwatch.GetTimestamp();

        await using (ParleyConnection alice = await ConnectAsync(server, "alice", server.Fingerprint!))
        {
            Assert.Equal("alice", alice.Nick);
        }

        Assert.True(await ClosedByServerAsync(silent), "the silent connection was not closed");
        TimeSpan waited = Stopwatch.GetElapsedTime(start);
        Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"closed after {waited.TotalMilliseconds:0} ms, before the 1 s timeout");
        await Poll.UntilAsync(() => ServerSockets(server) == before, "the server's sockets are back to where they were");
    }

    [Fact]
    public async Task A_plaintext_hello_on_the_tls_port_is_closed_and_the_server_serves_others()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["Tls:Enabled"] = "true" });
        int before = ServerSockets(server);
        using Socket plain = await ConnectRawAsync(server);

        await plain.SendAsync(FrameWriter.Encode(FrameType.Hello, 1, new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "plain", Nick = "plain" }));

        Assert.True(await ClosedByServerAsync(plain), "the plaintext connection was not closed");
        await AssertServesAsync(server);
        await Poll.UntilAsync(() => ServerSockets(server) == before, "the server's sockets are back to where they were");
    }

    [Fact]
    public async Task Random_bytes_instead_of_a_client_hello_are_closed_and_the_server_serves_others()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["Tls:Enabled"] = "true", ["Tls:HandshakeTimeout"] = "00:00:02" });
        int before = ServerSockets(server);
        using Socket noise = await ConnectRawAsync(server);
        byte[] bytes = new byte[1024];
        new Random(4).NextBytes(bytes);

        await noise.SendAsync(bytes);

        Assert.True(await ClosedByServerAsync(noise), "the connection sending noise was not closed");
        await AssertServesAsync(server);
        await Poll.UntilAsync(() => ServerSockets(server) == before, "the server's sockets are back to where they were");
    }

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
        await stalled.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "wire-test", Nick = "stalled" });
        await stalled.ExpectAsync<Welcome>();
        await stalled.SendAsync(new Join { Room = "#room" });
        await stalled.ExpectAsync<Joined>();
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

    /// <summary>A bare TCP connection to the server, from <paramref name="source"/> (another loopback address) if given.</summary>
    private static async Task<Socket> ConnectRawAsync(InProcessServer server, IPAddress? source = null)
    {
        var socket = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (source is not null)
        {
            socket.Bind(new IPEndPoint(source, 0));
        }

        await socket.ConnectAsync(server.EndPoint);
        return socket;
    }

    /// <summary>True when the server closed (or reset) the connection within 30 s, reading and discarding anything before.</summary>
    private static async Task<bool> ClosedByServerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Established TCP connections whose local end is the server's port (from /proc/net/tcp).</summary>
    private static int ServerSockets(InProcessServer server)
    {
        string port = server.EndPoint.Port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "01");
    }

    private static async Task AssertServesAsync(InProcessServer server)
    {
        await using ParleyConnection alice = await ConnectAsync(server, "alice", server.Fingerprint!);
        await alice.JoinAsync("#a");
        Assert.Equal(1ul, (await alice.SayAsync("#a", "still serving")).Seq);
    }

    private static async Task<ParleyConnection> ConnectAsync(InProcessServer server, string nick, string fingerprint) =>
        await ParleyConnection.ConnectAsync(
            new ParleyEndpoint("127.0.0.1", server.EndPoint.Port),
            new ParleyConnectionOptions { Nick = nick, Tls = TestTls.Trusting(fingerprint) });

    private static async Task<bool> TryConnectAsync(InProcessServer server, string fingerprint)
    {
        try
        {
            await using ParleyConnection probe = await ConnectAsync(server, string.Empty, fingerprint);
            return true;
        }
        catch (ServerTrustException)
        {
            return false;
        }
    }

    private static async Task AssertRefusedAsync(InProcessServer server, string fingerprint, ServerTrustFailure failure)
    {
        ServerTrustException refused = await Assert.ThrowsAsync<ServerTrustException>(() => ConnectAsync(server, string.Empty, fingerprint));
        Assert.Equal(failure, refused.Failure);
    }

    /// <summary>The texts of the next <paramref name="count"/> room messages on <paramref name="connection"/>, within 30 s.</summary>
    internal static async Task<List<string>> TextsAsync(ParleyConnection connection, int count)
    {
        var texts = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (ParleyEvent e in connection.Events.ReadAllAsync(timeout.Token))
        {
            if (e is RoomMessageEvent m)
            {
                texts.Add(m.Message.Text);
                if (texts.Count == count)
                {
                    break;
                }
            }
        }

        return texts;
    }
}
