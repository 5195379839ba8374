using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Server.Tls;

namespace Parley.Server.Tests;

/// <summary>
/// The server's TLS streams (<see cref="TransportStream"/>, <see cref="TlsPipeReader"/>) with real TLS between two
/// <see cref="SslStream"/>s over crossed in-memory pipes: what the read loop relies on, and that an idle reader holds
/// no buffer.
/// </summary>
public sealed class TlsPipeReaderTests
{
    [Fact]
    public async Task An_idle_reader_holds_no_buffer_and_its_pending_read_completes_when_a_record_arrives()
    {
        await using var pair = await TlsPipePair.ConnectAsync();

        ValueTask<ReadResult> pending = pair.Reader.ReadAsync();

        Assert.False(pending.IsCompleted);
        Assert.Equal(0, pair.Reader.BufferedCapacity);
        await pair.Client.WriteAsync("hello"u8.ToArray());
        ReadResult result = await pending;
        Assert.Equal("hello"u8.ToArray(), result.Buffer.ToArray());
        Assert.True(pair.Reader.BufferedCapacity > 0);
        pair.Reader.AdvanceTo(result.Buffer.End);
        Assert.Equal(0, pair.Reader.BufferedCapacity);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(700)]
    [InlineData(16 * 1024)]
    [InlineData(70_000)]
    public async Task Bytes_written_in_pieces_of_any_size_arrive_whole_and_in_order_while_the_reader_examines_without_consuming(int piece)
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        byte[] sent = RandomNumberGenerator.GetBytes(200_000);
        Task writing = WriteInPiecesAsync(pair.Client, sent, piece);

        // Like a frame longer than every read: examine all, consume nothing, until the whole of it is there.
        ReadResult result;
        while (true)
        {
            result = await pair.Reader.ReadAsync();
            if (result.Buffer.Length >= sent.Length)
            {
                break;
            }

            pair.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        await writing;
        Assert.Equal(sent, result.Buffer.ToArray());
        pair.Reader.AdvanceTo(result.Buffer.End);
        Assert.Equal(0, pair.Reader.BufferedCapacity);
    }

    [Fact]
    public async Task Bytes_left_unexamined_are_returned_again_at_once_without_reading()
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        await pair.Client.WriteAsync("abcdef"u8.ToArray());
        ReadResult first = await pair.Reader.ReadAsync();

        pair.Reader.AdvanceTo(first.Buffer.GetPosition(2));

        Assert.True(pair.Reader.TryRead(out ReadResult again));
        Assert.Equal("cdef"u8.ToArray(), again.Buffer.ToArray());
    }

    [Fact]
    public async Task Cancelling_a_pending_read_returns_a_cancelled_result()
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        ValueTask<ReadResult> pending = pair.Reader.ReadAsync();

        pair.Reader.CancelPendingRead();

        ReadResult result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(result.IsCanceled);
    }

    [Fact]
    public async Task A_cancel_while_no_read_is_pending_cancels_the_next_read()
    {
        await using var pair = await TlsPipePair.ConnectAsync();

        pair.Reader.CancelPendingRead();

        Assert.True((await pair.Reader.ReadAsync()).IsCanceled);
    }

    [Fact]
    public async Task The_peer_closing_completes_the_read_with_the_bytes_before_it()
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        await pair.Client.WriteAsync("last words"u8.ToArray());
        await pair.Client.ShutdownAsync();
        pair.ClientTransport.Output.Complete();

        ReadResult result = await pair.Reader.ReadAsync();
        while (!result.IsCompleted)
        {
            pair.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await pair.Reader.ReadAsync();
        }

        Assert.Equal("last words"u8.ToArray(), result.Buffer.ToArray());
    }

    [Fact]
    public async Task A_position_from_another_buffer_is_refused()
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        await pair.Client.WriteAsync("x"u8.ToArray());
        await pair.Reader.ReadAsync();
        var foreign = new ReadOnlySequence<byte>(new byte[4]);

        Assert.Throws<InvalidOperationException>(() => pair.Reader.AdvanceTo(foreign.Start));
    }

    private static async Task WriteInPiecesAsync(SslStream stream, byte[] data, int piece)
    {
        for (int offset = 0; offset < data.Length; offset += piece)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(piece, data.Length - offset)));
        }
    }

    /// <summary>A server and a client SslStream, each over a <see cref="TransportStream"/> on crossed pipes, handshake done.</summary>
    private sealed class TlsPipePair : IAsyncDisposable
    {
        private TlsPipePair(SslStream server, SslStream client, IDuplexPipe serverTransport, IDuplexPipe clientTransport)
        {
            Server = server;
            Client = client;
            ClientTransport = clientTransport;
            Reader = new TlsPipeReader(server, serverTransport.Input);
        }

        public SslStream Server { get; }

        public SslStream Client { get; }

        public IDuplexPipe ClientTransport { get; }

        public TlsPipeReader Reader { get; }

        public static async Task<TlsPipePair> ConnectAsync()
        {
            var toServer = new Pipe();
            var toClient = new Pipe();
            var serverTransport = new DuplexPipe(toServer.Reader, toClient.Writer);
            var clientTransport = new DuplexPipe(toClient.Reader, toServer.Writer);
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using X509Certificate2 issued = SelfSignedCertificate.Issue(key, DateTimeOffset.UtcNow);
            // An exportable copy: on Linux a certificate with an ephemeral key cannot serve a handshake.
            X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(issued.Export(X509ContentType.Pkcs12), null);
            var server = new SslStream(new TransportStream(serverTransport));
            var client = new SslStream(new TransportStream(clientTransport), false,
                (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString());
            await Task.WhenAll(
                server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
                client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }));
            return new TlsPipePair(server, client, serverTransport, clientTransport);
        }

        public async ValueTask DisposeAsync()
        {
            Reader.Complete();
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }

        private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
    }
}
