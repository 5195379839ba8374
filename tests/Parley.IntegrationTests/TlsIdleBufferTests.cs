using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Client;
using Parley.Protocol;
using Parley.Server.Tls;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// OpenSSL's record buffers released while a TLS connection is idle (issue 6, <see cref="OpenSslIdleBuffers"/>): the
/// mode is set on a real server-side <see cref="SslStream"/> right after the handshake, and the connection still carries
/// records larger than one buffer afterwards, on its own and through the whole server.
/// </summary>
public sealed class TlsIdleBufferTests
{
    [Fact]
    public async Task The_step_after_the_handshake_sets_the_release_mode_on_the_server_stream_and_large_records_still_cross_both_ways()
    {
        await using TlsPair pair = await TlsPair.ConnectAsync();
        long before = OpenSslIdleBuffers.Mode(pair.Server);

        OpenSslIdleBuffers.AfterHandshake(pair.Server);

        if (!OperatingSystem.IsLinux())
        {
            // SslStream does not use OpenSSL here: nothing to set, and the connection is left as it was.
            Assert.NotNull(OpenSslIdleBuffers.Unavailable);
            return;
        }

        Assert.Null(OpenSslIdleBuffers.Unavailable);
        Assert.Equal(0, before & OpenSslIdleBuffers.ReleaseBuffersMode);
        Assert.Equal(OpenSslIdleBuffers.ReleaseBuffersMode, OpenSslIdleBuffers.Mode(pair.Server) & OpenSslIdleBuffers.ReleaseBuffersMode);
        // Several records of 16 KiB each way: every one needs the buffers OpenSSL freed and allocates them again.
        await AssertCrossesAsync(pair.Server, pair.Client, 200_000);
        await AssertCrossesAsync(pair.Client, pair.Server, 200_000);
        await AssertCrossesAsync(pair.Server, pair.Client, 1);
    }

    [Fact]
    public async Task Memory_bio_buffers_grown_by_large_records_are_freed_when_empty_and_the_stream_works_after()
    {
        await using TlsPair? pair = await ReleasingPairAsync();
        if (pair is null)
        {
            return;
        }

        await AssertCrossesAsync(pair.Server, pair.Client, 200_000);
        await AssertCrossesAsync(pair.Client, pair.Server, 200_000);
        // Full 16 KiB records went out through the output BIO and came in through the input BIO.
        (long input, long output) = OpenSslIdleBuffers.BioCapacity(pair.Server);
        Assert.True(output >= 16 * 1024, $"output BIO holds {output} bytes");
        Assert.True(input >= 1024, $"input BIO holds {input} bytes");

        long freed = OpenSslIdleBuffers.ReleaseIdleBios(pair.Server);

        Assert.Equal(input + output, freed);
        Assert.Equal((0, 0), OpenSslIdleBuffers.BioCapacity(pair.Server));
        Assert.Equal(0, OpenSslIdleBuffers.ReleaseIdleBios(pair.Server));
        await AssertCrossesAsync(pair.Server, pair.Client, 100_000);
        await AssertCrossesAsync(pair.Client, pair.Server, 100_000);
    }

    [Fact]
    public async Task Freeing_the_bio_buffers_while_records_cross_both_ways_loses_and_garbles_nothing()
    {
        await using TlsPair? pair = await ReleasingPairAsync();
        if (pair is null)
        {
            return;
        }

        using var done = new CancellationTokenSource();
        long freed = 0;
        int attempts = 0;
        // The heartbeat's call races the connection's own reads and writes; SslStream's lock must keep them apart.
        Task releasing = Task.Run(() =>
        {
            while (!done.IsCancellationRequested && attempts < 1_000_000)
            {
                freed += OpenSslIdleBuffers.ReleaseIdleBios(pair.Server);
                attempts++;
            }
        });

        try
        {
            for (int round = 0; round < 20; round++)
            {
                await Task.WhenAll(
                    AssertCrossesAsync(pair.Server, pair.Client, 64 * 1024 + round),
                    AssertCrossesAsync(pair.Client, pair.Server, 64 * 1024 + round));
            }
        }
        finally
        {
            await done.CancelAsync();
            await releasing;
        }

        Assert.True(freed > 0, $"nothing was freed in {attempts} attempts");
    }

    [Fact]
    public async Task A_tls_connection_that_sat_idle_after_joining_sends_and_receives_the_largest_message()
    {
        await using InProcessServer server = await InProcessServer.StartAsync(new() { ["Tls:Enabled"] = "true" });
        await using ParleyConnection alice = await ConnectAsync(server, "alice");
        await using ParleyConnection bob = await ConnectAsync(server, "bob");
        await alice.JoinAsync("#idle");
        await bob.JoinAsync("#idle");
        // Both connections have read and written since their handshakes, and are now idle with their buffers freed.
        string largest = new('x', ProtocolConstants.MaxTextBytes);

        await alice.SayAsync("#idle", largest);
        await bob.SayAsync("#idle", "small after large");

        Assert.Equal([largest, "small after large"], await TlsServerTests.TextsAsync(bob, 2));
        Assert.Equal([largest, "small after large"], await TlsServerTests.TextsAsync(alice, 2));
    }

    [Fact]
    public async Task A_member_that_received_the_largest_message_has_its_bio_buffers_freed_once_quiet_and_still_chats()
    {
        if (!BiosReleasableHere())
        {
            return;
        }

        // The heartbeat that frees them runs on the real clock here, every 50 ms.
        await using InProcessServer server = await InProcessServer.StartAsync(new()
        {
            ["Tls:Enabled"] = "true",
            ["HeartbeatPeriod"] = "00:00:00.05",
        });
        await using ParleyConnection alice = await ConnectAsync(server, "alice");
        await using ParleyConnection bob = await ConnectAsync(server, "bob");
        await alice.JoinAsync("#quiet");
        await bob.JoinAsync("#quiet");
        string largest = new('x', ProtocolConstants.MaxTextBytes);

        await alice.SayAsync("#quiet", largest);
        Assert.Equal([largest], await TlsServerTests.TextsAsync(bob, 1));
        Assert.Equal([largest], await TlsServerTests.TextsAsync(alice, 1));

        System.Net.Security.SslStream bobsStream = Assert.Single(server.Server.Context.Connections.Live, c => c.Session.Nick == "bob").IdleTls!;
        Assert.NotNull(bobsStream);
        // Bob's output BIO held the 16 KiB message; a quiet heartbeat after that frees it (and leaves small ones be).
        await Poll.UntilAsync(
            () => OpenSslIdleBuffers.BioCapacity(bobsStream) is var (input, output) && input < OpenSslIdleBuffers.KeptBioBytes && output < OpenSslIdleBuffers.KeptBioBytes,
            "bob's BIO buffers are freed after a quiet heartbeat");

        await bob.SayAsync("#quiet", largest);
        await alice.SayAsync("#quiet", "and a short one");
        Assert.Equal([largest, "and a short one"], await TlsServerTests.TextsAsync(alice, 2));
        Assert.Equal([largest, "and a short one"], await TlsServerTests.TextsAsync(bob, 2));
    }

    /// <summary>False off Linux, where SslStream does not use OpenSSL; on Linux the BIO buffers must be releasable.</summary>
    private static bool BiosReleasableHere()
    {
        if (!OpenSslIdleBuffers.CanReleaseBios)
        {
            Assert.False(OperatingSystem.IsLinux(), "the BIO functions or SslStream's lock were not found on Linux");
        }

        return OpenSslIdleBuffers.CanReleaseBios;
    }

    /// <summary>A connected pair whose server side releases its buffers when empty; null where that is not possible.</summary>
    private static async Task<TlsPair?> ReleasingPairAsync()
    {
        if (!BiosReleasableHere())
        {
            return null;
        }

        TlsPair pair = await TlsPair.ConnectAsync();
        Assert.True(OpenSslIdleBuffers.TryRelease(pair.Server));
        return pair;
    }

    private static async Task AssertCrossesAsync(SslStream from, SslStream to, int length)
    {
        byte[] sent = RandomNumberGenerator.GetBytes(length);
        byte[] received = new byte[length];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task reading = to.ReadExactlyAsync(received, timeout.Token).AsTask();
        await from.WriteAsync(sent, timeout.Token);
        await from.FlushAsync(timeout.Token);
        await reading;
        Assert.Equal(sent, received);
    }

    private static async Task<ParleyConnection> ConnectAsync(InProcessServer server, string nick) =>
        await ParleyConnection.ConnectAsync(
            new ParleyEndpoint("127.0.0.1", server.EndPoint.Port),
            new ParleyConnectionOptions { Nick = nick, Tls = TestTls.For(server) });

    /// <summary>Both ends of one TLS connection over a loopback socket, handshake done.</summary>
    private sealed class TlsPair : IAsyncDisposable
    {
        private readonly X509Certificate2 _certificate;

        private TlsPair(SslStream server, SslStream client, X509Certificate2 certificate)
        {
            Server = server;
            Client = client;
            _certificate = certificate;
        }

        public SslStream Server { get; }

        public SslStream Client { get; }

        public static async Task<TlsPair> ConnectAsync()
        {
            (string certificatePem, string keyPem, string fingerprint) = TestCertificates.Create(rsa: false);
            using X509Certificate2 ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            Task<TcpClient> accepting = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            TcpClient accepted = await accepting;
            var server = new SslStream(accepted.GetStream(), leaveInnerStreamOpen: false);
            var tlsClient = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Task.WhenAll(
                server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token),
                tlsClient.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        // The pinned key, as Parley's client checks it; never "accept anything".
                        RemoteCertificateValidationCallback = (_, presented, _, _) =>
                            presented is X509Certificate2 c && TlsFingerprint.Of(c) == fingerprint,
                    },
                    timeout.Token));
            return new TlsPair(server, tlsClient, certificate);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
            _certificate.Dispose();
        }
    }
}
