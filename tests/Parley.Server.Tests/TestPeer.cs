using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Server.Tests;

/// <summary>The client end of an in-memory connection: writes frames, reads decoded frames.</summary>
internal sealed class TestPeer(PipeReader input, PipeWriter output) : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private uint _nextId;
    private bool _ended;

    public PipeWriter Output => output;

    public async Task<uint> SendAsync(IMessage message, uint? requestId = null)
    {
        uint id = requestId ?? ++_nextId;
        FrameWriter.Write(output, MessageCodec.TypeOf(message), id, message);
        await output.FlushAsync();
        return id;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await output.WriteAsync(bytes);
    }

    /// <summary>Reads the next frame; null at the end of the stream.</summary>
    public async Task<(FrameType Type, uint RequestId, IMessage Message)?> ReadAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (true)
        {
            ReadResult result = await input.ReadAsync(cts.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (FrameReader.TryRead(ref buffer, 16 * 1024 * 1024, out Frame frame))
            {
                var decoded = (frame.Type, frame.RequestId, MessageCodec.Decode(frame));
                // Only what was consumed: more whole frames may already be buffered behind it.
                input.AdvanceTo(buffer.Start);
                return decoded;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                _ended = true;
                return null;
            }
        }
    }

    /// <summary>Sends a request and returns its reply, skipping the frames before it.</summary>
    public async Task<IMessage> RequestAsync(IMessage message)
    {
        uint id = await SendAsync(message);
        while (true)
        {
            var next = await ReadAsync() ?? throw new InvalidOperationException($"the stream ended while waiting for the reply to {message.GetType().Name}");
            if (next.RequestId == id)
            {
                return next.Message;
            }
        }
    }

    /// <summary>Sends a request that must fail; returns the error's code.</summary>
    public async Task<ErrorCode> RefusedAsync(IMessage message) => Assert.IsType<Error>(await RequestAsync(message)).Code;

    /// <summary>Sends a request that must succeed with <c>Ok</c>.</summary>
    public async Task OkAsync(IMessage message)
    {
        IMessage reply = await RequestAsync(message);
        Assert.True(reply is Ok, $"{message.GetType().Name} was answered {reply}");
    }

    /// <summary>Reads frames until one of type <typeparamref name="T"/> arrives (skipping others).</summary>
    public async Task<T> ExpectAsync<T>(Func<T, bool>? match = null) where T : class, IMessage
    {
        while (true)
        {
            var next = await ReadAsync() ?? throw new InvalidOperationException($"the stream ended while waiting for {typeof(T).Name}");
            if (next.Message is T t && (match is null || match(t)))
            {
                return t;
            }
        }
    }

    /// <summary>
    /// Everything the server sends before it answers a Ping sent now: since a connection's frames go out in
    /// order, whatever an earlier request caused for this peer is in the list, and anything missing was not sent.
    /// </summary>
    public async Task<List<IMessage>> SeenBeforePongAsync()
    {
        uint id = await SendAsync(new Ping { Nonce = 7 });
        var seen = new List<IMessage>();
        while (true)
        {
            var next = await ReadAsync() ?? throw new InvalidOperationException("the stream ended while waiting for a Pong");
            if (next.RequestId == id && next.Message is Pong)
            {
                return seen;
            }

            seen.Add(next.Message);
        }
    }

    /// <summary>Reads the next frame and asserts its type.</summary>
    public async Task<T> NextAsync<T>() where T : class, IMessage
    {
        var next = await ReadAsync() ?? throw new InvalidOperationException($"the stream ended while waiting for {typeof(T).Name}");
        return Assert.IsType<T>(next.Message);
    }

    /// <summary>Reads until the server closes the stream; returns every frame seen on the way.</summary>
    public async Task<List<IMessage>> ReadToEndAsync()
    {
        var seen = new List<IMessage>();
        while (await ReadAsync() is { } next)
        {
            seen.Add(next.Message);
        }

        return seen;
    }

    public async Task<Welcome> HelloAsync(string nick)
    {
        await SendAsync(new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "test", Nick = nick });
        return await NextAsync<Welcome>();
    }

    /// <summary>Sends a Hello with account fields and returns the reply (a Welcome or an Error).</summary>
    public async Task<IMessage> AccountHelloAsync(string account, string password = "", bool register = false, string nick = "",
        string resumeToken = "", string invite = "", bool wantToken = false)
    {
        uint id = await SendAsync(new Hello
        {
            ProtocolVersion = ProtocolConstants.Version, ClientName = "test", Nick = nick, Account = account, Password = password,
            Register = register, ResumeToken = resumeToken, InviteCode = invite, WantResumeToken = wantToken,
        });
        var reply = await ReadAsync() ?? throw new InvalidOperationException("the stream ended while waiting for the Hello's reply");
        Assert.Equal(id, reply.RequestId);
        return reply.Message;
    }

    public async Task<Joined> JoinAsync(string room)
    {
        await SendAsync(new Join { Room = room });
        return await ExpectAsync<Joined>();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            await output.CompleteAsync();
        }

        await input.CompleteAsync();
    }
}
