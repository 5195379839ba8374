using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client.Tests;

/// <summary>
/// The server end of two crossed in-memory pipes: reads the client's frames with <see cref="FrameReader"/>
/// and writes frames with <see cref="FrameWriter"/>, as the test script says. No sockets, no real server.
/// </summary>
internal sealed class FakeServer
{
    /// <summary>Real time: how long a test waits for the client's next frame before failing.</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private bool _closed;

    public FakeServer() => ClientSide = new DuplexPipe(_toClient.Reader, _toServer.Writer);

    /// <summary>The pipe to hand to the client.</summary>
    public IDuplexPipe ClientSide { get; }

    public static ServerLimits NoHeartbeat => new() { MaxFramePayload = (uint)ProtocolConstants.DefaultMaxFramePayload };

    /// <summary>The client's next frame; <c>null</c> when the client has closed its side.</summary>
    public async Task<(FrameHeader Header, IMessage Message)?> TryReadAsync()
    {
        PipeReader input = _toServer.Reader;
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WaitAsync(ReadTimeout);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (FrameReader.TryRead(ref buffer, ProtocolConstants.DefaultMaxFramePayload, out Frame frame))
            {
                IMessage message = MessageCodec.Decode(frame);
                FrameHeader header = frame.Header;
                input.AdvanceTo(buffer.Start);
                return (header, message);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Reads the client's next frame and checks it is a <typeparamref name="T"/>.</summary>
    public async Task<(uint RequestId, T Message)> ExpectAsync<T>() where T : IMessage<T>
    {
        var frame = await TryReadAsync() ?? throw new InvalidOperationException($"the client closed while a {typeof(T).Name} was expected");
        T message = Assert.IsType<T>(frame.Message);
        Assert.Equal(MessageCodec.TypeOf<T>(), frame.Header.Type);
        return (frame.Header.RequestId, message);
    }

    /// <summary>Waits for the client to close its side, skipping what it still sends; returns what was skipped.</summary>
    public async Task<List<IMessage>> ReadToEndAsync()
    {
        var rest = new List<IMessage>();
        while (await TryReadAsync() is { } frame)
        {
            rest.Add(frame.Message);
        }

        return rest;
    }

    public async Task SendAsync(uint requestId, IMessage message)
    {
        FrameWriter.Write(_toClient.Writer, MessageCodec.TypeOf(message), requestId, message);
        await _toClient.Writer.FlushAsync();
    }

    public Task SendEventAsync(IMessage message) => SendAsync(0, message);

    /// <summary>Writes raw bytes, for malformed input.</summary>
    public async Task SendRawAsync(byte[] bytes) => await _toClient.Writer.WriteAsync(bytes);

    /// <summary>Reads the Hello, answers Welcome (with the Hello's request id) and returns the Hello.</summary>
    public async Task<Hello> AcceptHelloAsync(string? grantedNick = null, ServerLimits? limits = null, IEnumerable<string>? rooms = null)
    {
        (uint id, Hello hello) = await ExpectAsync<Hello>();
        await SendAsync(id, new Welcome
        {
            ProtocolVersion = ProtocolConstants.Version,
            ServerName = "fake",
            Nick = grantedNick ?? hello.Nick,
            ConnectionId = "c1",
            Limits = limits ?? NoHeartbeat,
            Rooms = { rooms ?? [] },
        });
        return hello;
    }

    /// <summary>Hangs up: the client reads end of stream.</summary>
    public async Task CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        await _toClient.Writer.CompleteAsync();
        await _toServer.Reader.CompleteAsync();
    }

    /// <summary>Reads until the client closes its side (after its Goodbye), then hangs up.</summary>
    public async Task HangUpAfterClientAsync()
    {
        if (!_closed)
        {
            await ReadToEndAsync();
            await CloseAsync();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
