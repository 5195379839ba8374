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
public sealed partial class TlsServerTests(ITestOutputHelper output)
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
