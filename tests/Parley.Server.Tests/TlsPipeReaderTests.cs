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
    public async Task Records_that_arrive_together_while_idle_are_all_read_without_waiting_for_more()
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        await pair.Client.WriteAsync("one"u8.ToArray());
        Assert.Equal("one", await ReadTextAsync(pair.Reader));

        // Idle now: the reader waits on the socket's pipe. Two records land in it at once; after the first is read,
        // the second must be read from the pipe without SslStream keeping it back.
        ValueTask<ReadResult> pending = pair.Reader.ReadAsync();
        await pair.Client.WriteAsync("two"u8.ToArray());
        await pair.Client.WriteAsync("three"u8.ToArray());
        ReadResult first = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        string text = System.Text.Encoding.ASCII.GetString(first.Buffer.ToArray());
        pair.Reader.AdvanceTo(first.Buffer.End);
        if (text == "two")
        {
            text += await ReadTextAsync(pair.Reader).WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal("twothree", text);
    }

    [Fact]
    public async Task Data_and_a_close_notify_arriving_together_while_idle_end_the_stream_without_waiting_for_more()
    {
        await using var pair = await TlsPipePair.ConnectAsync();
        await pair.Client.WriteAsync("one"u8.ToArray());
        Assert.Equal("one", await ReadTextAsync(pair.Reader));

        // Idle: an application-data record and an alert are in the socket's pipe together (the TCP connection stays
        // open). Read as one, SslStream would return the data and keep the alert; the reader must still see the end.
        await pair.Client.WriteAsync("bye"u8.ToArray());
        await pair.Client.ShutdownAsync();
        Assert.Equal("bye", await ReadTextAsync(pair.Reader).WaitAsync(TimeSpan.FromSeconds(10)));

        ReadResult end = await pair.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(end.IsCompleted);
        Assert.True(end.Buffer.IsEmpty);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4099)]
    public async Task Ciphertext_trickling_in_pieces_that_split_record_headers_is_read_whole(int piece)
    {
        await using var pair = await TlsPipePair.ConnectAsync(piece);
        var expected = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            string text = new((char)('a' + i), 1 + (i * 997 % 5000));
            expected.Add(text);
            await pair.Client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(text));
        }

        string all = string.Concat(expected);
        var received = new System.Text.StringBuilder();
        while (received.Length < all.Length)
        {
            received.Append(await ReadTextAsync(pair.Reader).WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(all, received.ToString());
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

    private static async Task<string> ReadTextAsync(TlsPipeReader reader)
    {
        ReadResult result = await reader.ReadAsync();
        string text = System.Text.Encoding.ASCII.GetString(result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    private static async Task WriteInPiecesAsync(SslStream stream, byte[] data, int piece)
    {
        for (int offset = 0; offset < data.Length; offset += piece)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(piece, data.Length - offset)));
        }
    }

    /// <summary>
    /// A server and a client SslStream, each over a <see cref="TransportStream"/> on crossed pipes, handshake done. With a
    /// piece size, what the client sends reaches the server in pieces of that many bytes, each flushed on its own.
    /// </summary>
    private sealed class TlsPipePair : IAsyncDisposable
    {
        private TlsPipePair(SslStream server, TransportStream serverStream, SslStream client, IDuplexPipe clientTransport)
        {
            Server = server;
            Client = client;
            ClientTransport = clientTransport;
            Reader = new TlsPipeReader(server, serverStream);
        }

        public SslStream Server { get; }

        public SslStream Client { get; }

        public IDuplexPipe ClientTransport { get; }

        public TlsPipeReader Reader { get; }

        public static async Task<TlsPipePair> ConnectAsync(int piece = 0)
        {
            var toServer = new Pipe();
            var toClient = new Pipe();
            var fromClient = piece > 0 ? new Pipe() : toServer;
            var serverTransport = new DuplexPipe(toServer.Reader, toClient.Writer);
            var clientTransport = new DuplexPipe(toClient.Reader, fromClient.Writer);
            if (piece > 0)
            {
                _ = PumpAsync(fromClient.Reader, toServer.Writer, piece);
            }

            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using X509Certificate2 issued = SelfSignedCertificate.Issue(key, DateTimeOffset.UtcNow);
            // An exportable copy: on Linux a certificate with an ephemeral key cannot serve a handshake.
            X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(issued.Export(X509ContentType.Pkcs12), null);
            var serverStream = new TransportStream(serverTransport);
            var server = new SslStream(serverStream);
            var client = new SslStream(new TransportStream(clientTransport), false,
                (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString());
            await Task.WhenAll(
                server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
                client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }));
            return new TlsPipePair(server, serverStream, client, clientTransport);
        }

        public async ValueTask DisposeAsync()
        {
            Reader.Complete();
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }

        private static async Task PumpAsync(PipeReader from, PipeWriter to, int piece)
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync();
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    for (int offset = 0; offset < segment.Length; offset += piece)
                    {
                        await to.WriteAsync(segment.Slice(offset, Math.Min(piece, segment.Length - offset)));
                    }
                }

                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    await to.CompleteAsync();
                    return;
                }
            }
        }

        private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
    }
}
