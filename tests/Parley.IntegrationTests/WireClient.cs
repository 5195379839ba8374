using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.IntegrationTests;

/// <summary>
/// A bare protocol client over a real socket, written from docs/PROTOCOL.md with only the codec:
/// it lets tests misbehave on purpose (stop reading, reset mid-frame, send hostile headers).
/// </summary>
internal sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private uint _nextId;

    private WireClient(Socket socket, int receiveBuffer)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: receiveBuffer));
        _output = PipeWriter.Create(stream);
    }

    public Socket Socket => _socket;

    /// <summary>Connects; a small <paramref name="receiveBuffer"/> makes a client that stops reading stall sooner.</summary>
    /// <param name="from">The local address to connect from (another loopback address, 127.0.0.2, looks like another host); any when null.</param>
    public static async Task<WireClient> ConnectAsync(IPEndPoint server, int receiveBuffer = 64 * 1024, IPAddress? from = null)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        if (receiveBuffer < 64 * 1024)
        {
            socket.ReceiveBufferSize = receiveBuffer;
        }

        await socket.ConnectAsync(server);
        return new WireClient(socket, Math.Max(receiveBuffer, 4096));
    }

    public static async Task<WireClient> ConnectReadyAsync(IPEndPoint server, string nick, params string[] rooms)
    {
        WireClient client = await ConnectAsync(server);
        await client.SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "wire-test", Nick = nick });
        await client.ExpectAsync<Welcome>();
        foreach (string room in rooms)
        {
            await client.SendAsync(new Join { Room = room });
            await client.ExpectAsync<Joined>();
        }

        return client;
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
        await _output.CompleteAsync();
        _socket.Dispose();
    }
}
