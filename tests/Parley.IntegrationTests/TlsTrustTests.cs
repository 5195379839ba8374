using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Client;
using Parley.Protocol.Messages;

namespace Parley.IntegrationTests;

/// <summary>
/// The client trusts like SSH (issue 4), over real sockets and real TLS against the in-process server: first use
/// pins, a match connects, a changed key or one other than <c>--trust</c> is refused before anything is sent.
/// </summary>
public sealed class TlsTrustTests
{
    private static readonly Dictionary<string, string?> WithTls = new() { ["Tls:Enabled"] = "true" };

    [Fact]
    public async Task First_use_pins_the_servers_fingerprint_and_the_next_connection_matches_it()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(WithTls);
        KnownServers store = TestTls.TemporaryStore();
        ParleyEndpoint endpoint = Local(server);

        await using (ParleyConnection first = await ParleyConnection.ConnectAsync(endpoint, Options("alice", new() { TrustOnFirstUse = true, KnownServers = store })))
        {
            Assert.Equal("alice", first.Nick);
        }

        KnownServer pin = Assert.Single(store.List());
        Assert.Equal(($"127.0.0.1:{endpoint.Port}", server.Fingerprint), (pin.Server, pin.Fingerprint));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        }

        // No first-use this time: only the pin lets it in.
        await using ParleyConnection second = await ParleyConnection.ConnectAsync(endpoint, Options("bob", new() { KnownServers = store }));
        await second.JoinAsync("#a");
        Sent sent = await second.SayAsync("#a", "over TLS");
        Assert.Equal(1ul, sent.Seq);
    }

    [Fact]
    public async Task A_non_interactive_client_refuses_an_unknown_server_and_pins_nothing()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(WithTls);
        KnownServers store = TestTls.TemporaryStore();

        ServerTrustException refused = await Assert.ThrowsAsync<ServerTrustException>(
            () => ParleyConnection.ConnectAsync(Local(server), Options("alice", new() { KnownServers = store })));

        Assert.Equal(ServerTrustFailure.Unknown, refused.Failure);
        Assert.Equal(server.Fingerprint, refused.Presented);
        Assert.Contains($"--trust {server.Fingerprint}", refused.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
        Assert.False(File.Exists(store.Path));
    }

    [Fact]
    public async Task An_interactive_client_asks_about_an_unknown_server_and_pins_it_only_on_yes()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(WithTls);
        KnownServers store = TestTls.TemporaryStore();
        var asked = new List<UnknownServer>();
        ClientTlsOptions Answering(bool yes) => new()
        {
            KnownServers = store,
            PromptUnknownServer = (unknown, _) =>
            {
                asked.Add(unknown);
                return ValueTask.FromResult(yes);
            },
        };

        ServerTrustException declined = await Assert.ThrowsAsync<ServerTrustException>(
            () => ParleyConnection.ConnectAsync(Local(server), Options("alice", Answering(false))));
        Assert.Equal(ServerTrustFailure.Declined, declined.Failure);
        Assert.Empty(store.List());

        await using ParleyConnection accepted = await ParleyConnection.ConnectAsync(Local(server), Options("alice", Answering(true)));
        Assert.Equal(2, asked.Count);
        Assert.All(asked, a => Assert.Equal(server.Fingerprint, a.Fingerprint));
        Assert.Equal(store.Path, asked[1].KnownServersFile);
        Assert.Equal(server.Fingerprint, Assert.Single(store.List()).Fingerprint);
    }

    [Fact]
    public async Task A_trusted_fingerprint_other_than_the_servers_is_refused()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(WithTls);
        string other = TestCertificates.Create(rsa: false).Fingerprint;

        ServerTrustException refused = await Assert.ThrowsAsync<ServerTrustException>(
            () => ParleyConnection.ConnectAsync(Local(server), Options("alice", TestTls.Trusting(other))));

        Assert.Equal(ServerTrustFailure.NotTrusted, refused.Failure);
        Assert.Equal((server.Fingerprint, other), (refused.Presented, refused.Expected));
    }

    [Fact]
    public async Task A_changed_key_is_a_hard_failure_with_the_fix_and_not_a_byte_reaches_the_impostor()
    {
        // The client pinned the real server for 127.0.0.1:PORT; an impostor with another key answers there.
        await using InProcessServer real = await InProcessServer.StartAsync(WithTls);
        await using var impostor = new Impostor();
        var endpoint = new ParleyEndpoint("127.0.0.1", impostor.Port);
        KnownServers store = TestTls.TemporaryStore();
        store.Add(KnownServers.KeyFor(endpoint), real.Fingerprint!);
        string before = await File.ReadAllTextAsync(store.Path);
        var prompted = false;
        var options = Options("alice", new ClientTlsOptions
        {
            KnownServers = store,
            TrustOnFirstUse = true,
            PromptUnknownServer = (_, _) => ValueTask.FromResult(prompted = true),
        });

        ServerTrustException refused = await Assert.ThrowsAsync<ServerTrustException>(() => ParleyConnection.ConnectAsync(endpoint, options));

        Assert.Equal(ServerTrustFailure.Changed, refused.Failure);
        Assert.Equal((impostor.Fingerprint, real.Fingerprint), (refused.Presented, refused.Expected));
        Assert.Contains("HAS CHANGED", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"parley trust --forget 127.0.0.1:{impostor.Port}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"line 3 of {store.Path}", refused.Message, StringComparison.Ordinal);
        Assert.False(prompted, "a changed key must never be put to the user as a question");
        Assert.Equal(before, await File.ReadAllTextAsync(store.Path));
        // Whether the impostor saw the handshake finish depends on the TLS library (OpenSSL checks the certificate
        // after its Finished); what matters is that no application byte, not even the Hello, went to it.
        (_, long applicationBytes) = await impostor.Outcome.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, applicationBytes);
    }

    [Fact]
    public async Task A_session_stops_reconnecting_when_the_key_changes_behind_it()
    {
        KnownServers store = TestTls.TemporaryStore();
        int port;
        string firstFingerprint;
        var events = new List<ParleyEvent>();
        ParleySession session;
        await using (InProcessServer first = await InProcessServer.StartAsync(WithTls))
        {
            port = first.EndPoint.Port;
            firstFingerprint = first.Fingerprint!;
            session = ParleySession.ForServer(new ParleyEndpoint("127.0.0.1", port), new ParleySessionOptions
            {
                Connection = { Nick = "alice", Tls = new ClientTlsOptions { TrustOnFirstUse = true, KnownServers = store } },
                Backoff = new ReconnectBackoff { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) },
            });
            session.Start();
            await session.WaitUntilReadyAsync();
        }

        Task reading = Task.Run(async () =>
        {
            await foreach (ParleyEvent e in session.Events.ReadAllAsync())
            {
                lock (events)
                {
                    events.Add(e);
                }
            }
        });

        // Another server, another key, on the same port: the pin (and the session's own memory) must refuse it.
        await using InProcessServer second = await StartOnPortAsync(port);
        Assert.NotEqual(firstFingerprint, second.Fingerprint);
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        await session.DisposeAsync();

        DisconnectedEvent last = Assert.IsType<DisconnectedEvent>(events[^1]);
        Assert.False(last.WillReconnect);
        ServerTrustException refused = Assert.IsType<ServerTrustException>(last.Info.Trust);
        Assert.Equal((ServerTrustFailure.Changed, second.Fingerprint, firstFingerprint), (refused.Failure, refused.Presented, refused.Expected));
        Assert.Equal(ConnectionState.Closed, session.State);
        Assert.Equal(0, second.Server.LiveConnections);
    }

    private static ParleyEndpoint Local(InProcessServer server) => new("127.0.0.1", server.EndPoint.Port);

    private static ParleyConnectionOptions Options(string nick, ClientTlsOptions tls) => new() { Nick = nick, Tls = tls };

    /// <summary>The port may still be held for a moment by the server that just stopped: retried until it binds.</summary>
    private static async Task<InProcessServer> StartOnPortAsync(int port)
    {
        InProcessServer? server = null;
        await TestUtilities.Poll.UntilAsync(async () =>
        {
            try
            {
                server = await InProcessServer.StartAsync(WithTls, listen: $"127.0.0.1:{port}");
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }, $"a server listens on port {port} again");
        return server!;
    }

    /// <summary>A TLS server with a key of its own that records whether a client finished the handshake and what it sent.</summary>
    private sealed class Impostor : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;

        public Impostor()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            _certificate = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            Fingerprint = Protocol.TlsFingerprint.Of(_certificate);
            _listener.Start();
            Outcome = AcceptOneAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string Fingerprint { get; }

        public Task<(bool HandshakeCompleted, long ApplicationBytes)> Outcome { get; }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _certificate.Dispose();
            await Outcome.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private async Task<(bool, long)> AcceptOneAsync()
        {
            using TcpClient client = await _listener.AcceptTcpClientAsync();
            await using var ssl = new SslStream(client.GetStream());
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate });
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
            {
                return (false, 0);
            }

            long total = 0;
            byte[] buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await ssl.ReadAsync(buffer)) > 0)
                {
                    total += read;
                }
            }
            catch (IOException)
            {
                // The client hung up.
            }

            return (true, total);
        }
    }
}
