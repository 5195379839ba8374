using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.TestUtilities;

namespace Parley.IntegrationTests;

/// <summary>
/// A bare protocol client over a real socket, written from docs/PROTOCOL.md with only the codec:
/// it lets tests misbehave on purpose (stop reading, reset mid-frame, send hostile headers). Over TLS it
/// pins the server as the document tells a client in another language to: the SHA-256 of the
/// certificate's SubjectPublicKeyInfo, compared with the fingerprint it was given.
/// </summary>
internal sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private uint _nextId;

    private WireClient(Socket socket, Stream stream, int receiveBuffer)
    {
        _socket = socket;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: receiveBuffer));
        _output = PipeWriter.Create(stream);
    }

    public Socket Socket => _socket;

    /// <summary>
    /// Connects over plain TCP; a small <paramref name="receiveBuffer"/> makes a client that stops reading stall sooner.
    /// <paramref name="from"/> picks the source address (any of 127.0.0.0/8 reaches a server on 127.0.0.1),
    /// so a test can be two clients of different addresses.
    /// </summary>
    public static Task<WireClient> ConnectAsync(IPEndPoint server, int receiveBuffer = 64 * 1024, IPAddress? from = null) =>
        ConnectOverAsync(server, null, receiveBuffer, from);

    /// <summary>Connects to a server process: over TLS accepting only its fingerprint, or plain when it runs without TLS.</summary>
    public static Task<WireClient> ConnectAsync(ServerProcess server) => ConnectOverAsync(IPEndPoint.Parse(server.Address), server.Fingerprint);

    /// <summary>
    /// Connects, then over TLS when <paramref name="fingerprint"/> is given (accepting that key and no other). A name of its
    /// own, so that a call with a nickname can never bind to it by overload resolution.
    /// </summary>
    public static async Task<WireClient> ConnectOverAsync(IPEndPoint server, string? fingerprint, int receiveBuffer = 64 * 1024, IPAddress? from = null)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer < 64 * 1024)
        {
            socket.ReceiveBufferSize = receiveBuffer;
        }

        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(server);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (fingerprint is not null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is X509Certificate2 leaf && TlsFingerprint.Of(leaf) == fingerprint,
            });
            stream = ssl;
        }

        return new WireClient(socket, stream, Math.Max(receiveBuffer, 4096));
    }

    /// <summary>Connects to a server process (see <see cref="ConnectAsync(ServerProcess)"/>), says Hello as <paramref name="nick"/> and joins <paramref name="rooms"/>.</summary>
    public static Task<WireClient> ConnectReadyAsync(ServerProcess server, string nick, params string[] rooms) =>
        ConnectReadyCoreAsync(IPEndPoint.Parse(server.Address), server.Fingerprint, nick, rooms);

    public static Task<WireClient> ConnectReadyAsync(IPEndPoint server, string nick, params string[] rooms) =>
        ConnectReadyCoreAsync(server, null, nick, rooms);

    /// <summary>Connects over TLS accepting only <paramref name="fingerprint"/> (plain when null), says Hello and joins <paramref name="rooms"/>.</summary>
    public static Task<WireClient> ConnectReadyTlsAsync(IPEndPoint server, string? fingerprint, string nick, params string[] rooms) =>
        ConnectReadyCoreAsync(server, fingerprint, nick, rooms);

    private static async Task<WireClient> ConnectReadyCoreAsync(IPEndPoint server, string? fingerprint, string nick, string[] rooms)
    {
        WireClient client = await ConnectOverAsync(server, fingerprint);
        await client.ReadyAsync(nick, rooms);
        return client;
    }

    /// <summary>Says Hello as <paramref name="nick"/> and joins <paramref name="rooms"/>, each answered before the next.</summary>
    public async Task ReadyAsync(string nick, params string[] rooms)
    {
        await SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "wire-test", Nick = nick });
        await ExpectAsync<Welcome>();
        foreach (string room in rooms)
        {
            await SendAsync(new Join { Room = room });
            await ExpectAsync<Joined>();
        }
    }

    public async Task<uint> SendAsync(IMessage message)
    {
        uint id = ++_nextId;
        FrameWriter.Write(_output, MessageCodec.TypeOf(message), id, message);
        await _output.FlushAsync();
        return id;
    }

    public async Task SendRawAsync(byte[] bytes) => await _output.WriteAsync(bytes);

    /// <summary>The next frame, or null when the server closed the connection.</summary>
    public async Task<IMessage?> ReadAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(cts.Token);
            }
            catch (IOException)
            {
                return null;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (FrameReader.TryRead(ref buffer, 16 * 1024 * 1024, out Frame frame))
            {
                IMessage message = MessageCodec.Decode(frame);
                _input.AdvanceTo(buffer.Start);
                return message;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    public async Task<T> ExpectAsync<T>(Func<T, bool>? match = null) where T : class, IMessage
    {
        while (true)
        {
            IMessage message = await ReadAsync() ?? throw new InvalidOperationException($"closed while waiting for {typeof(T).Name}");
            if (message is T t && (match is null || match(t)))
            {
                return t;
            }
        }
    }

    /// <summary>Every frame until the server closes the connection.</summary>
    public async Task<List<IMessage>> ReadToEndAsync()
    {
        var frames = new List<IMessage>();
        while (await ReadAsync() is { } message)
        {
            frames.Add(message);
        }

        return frames;
    }

    /// <summary>Kills the connection the way a crashed process or a pulled cable does: an RST, no goodbye.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        try
        {
            await _output.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Completing flushes what is left, and the server may have gone (or the input's completion
            // closed the stream under a send that failed): a test's own exception must not be hidden by this.
        }

        _socket.Dispose();
    }
}
