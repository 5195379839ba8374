using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Parley.Client;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Bench.Wire;

/// <summary>
/// One load-generator connection: a socket (with TLS over it, as the server speaks), one receive loop over a fixed buffer, and the
/// counters the modes read. Setup (Hello, Join) goes through the codec and may allocate; the
/// measured path (Delivered, Sent) parses headers and scans payloads in place and allocates nothing.
/// </summary>
/// <remarks>
/// The counters are written only by the receive loop and read by the mode's wait loop with
/// <see cref="Volatile"/>; a 64-bit read is atomic on the platforms .NET runs on.
/// </remarks>
internal sealed partial class BenchClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly AsyncSignal _acks = new();
    private readonly Lock _replyLock = new();
    private Task _receiveLoop = Task.CompletedTask;
    private TaskCompletionSource<IMessage>? _reply;
    private uint _replyId;
    private uint _nextRequestId;
    private volatile bool _closed;
    private volatile TaskCompletionSource? _resume;

    private BenchClient(Socket socket, Stream stream, int bufferSize, ReceivePath path)
    {
        _socket = socket;
        _stream = stream;
        _buffer = new byte[bufferSize];
        Path = path;
        if (path == ReceivePath.Epoll)
        {
            PollFd = (int)socket.Handle;
        }
    }

    /// <summary>Receive buffer that holds the largest frame a server sends by default.</summary>
    public const int LargeBuffer = FrameHeader.Size + ProtocolConstants.DefaultMaxFramePayload;

    public string Nick { get; private set; } = string.Empty;

    /// <summary>Why the connection ended, if it has: the server's goodbye or error, or the socket error.</summary>
    public string? ClosedBecause { get; private set; }

    /// <summary>The server sent Goodbye SLOW_CONSUMER or Error SLOW_CONSUMER.</summary>
    public bool Evicted { get; private set; }

    public bool IsClosed => _closed;

    /// <summary>
    /// Connects to <paramref name="server"/> from <paramref name="source"/> (any loopback address), runs the TLS handshake
    /// checked by <paramref name="trust"/> (null: plain TCP, for a server started with --insecure-no-tls) and starts the receive loop:
    /// for plain TCP on Linux x86-64 the bench's own epoll thread (<see cref="ReceivePoller"/>), otherwise a stream read loop.
    /// </summary>
    public static async Task<BenchClient> ConnectAsync(IPEndPoint server, ServerTrust? trust, IPAddress? source, int bufferSize, CancellationToken cancellationToken)
    {
        ReceivePath path = trust is null && Epoll.IsSupported ? ReceivePath.Epoll : ReceivePath.Stream;
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                // Binding first picks the source address, so each 127.0.0.x has its own ~28,000 ephemeral ports.
                socket.Bind(new IPEndPoint(source, 0));
            }

            if (path == ReceivePath.Epoll)
            {
                // A blocking connect (loopback: it completes in the call): any async operation would
                // register the socket with .NET's epoll engine, whose thread would then wake for
                // every arrival as well as ours.
                cancellationToken.ThrowIfCancellationRequested();
                socket.Connect(server);
            }
            else
            {
                await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (trust is not null)
        {
            try
            {
                stream = await ParleyTransport.AuthenticateAsync(stream, trust, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var client = new BenchClient(socket, stream, bufferSize, path);
        if (path == ReceivePath.Epoll)
        {
            Interlocked.Increment(ref s_epollConnections);
            client._receiveLoop = client.PollEnded;
            ReceivePoller.Shared.Add(client);
        }
        else
        {
            Interlocked.Increment(ref s_streamConnections);
            client._receiveLoop = client.ReceiveLoopAsync();
        }

        return client;
    }

    /// <summary>Hello with <paramref name="nick"/>; throws unless the server welcomes it.</summary>
    public async Task HelloAsync(string nick, TimeSpan timeout)
    {
        IMessage reply = await RequestAsync(FrameType.Hello,
            new Hello { ProtocolVersion = ProtocolConstants.Version, ClientName = "parley-bench/0.1", Nick = nick }, timeout).ConfigureAwait(false);
        Nick = reply is Welcome welcome ? welcome.Nick : throw RefusalOf("Hello", reply);
    }

    /// <summary>Joins <paramref name="room"/>; the room's last sequence number becomes the one deliveries must follow.</summary>
    public async Task<Joined> JoinAsync(string room, TimeSpan timeout)
    {
        IMessage reply = await RequestAsync(FrameType.Join, new Join { Room = room }, timeout).ConfigureAwait(false);
        if (reply is not Joined joined)
        {
            throw RefusalOf("Join", reply);
        }

        // Set before any Delivered for this room can be parsed: the reply and the messages after
        // it arrive in order on this connection, and this runs before the next receive completes.
        Volatile.Write(ref _lastSeq, joined.LastSeq);
        return joined;
    }

    /// <summary>One Say through the codec, awaiting its Sent (for a few messages outside the measured path).</summary>
    public async Task<Sent> SayAsync(string room, string text, TimeSpan timeout)
    {
        IMessage reply = await RequestAsync(FrameType.Say, new Say { Room = room, Text = text, ClientMsgId = Guid.NewGuid().ToString("N") }, timeout)
            .ConfigureAwait(false);
        return reply as Sent ?? throw RefusalOf("Say", reply);
    }

    /// <summary>The newest stored message of <paramref name="conversation"/> and its last sequence number, read back from the store.</summary>
    public async Task<HistoryPage> LatestAsync(string conversation, TimeSpan timeout)
    {
        IMessage reply = await RequestAsync(FrameType.History, new History { Conversation = conversation, Limit = 1 }, timeout).ConfigureAwait(false);
        return reply as HistoryPage ?? throw RefusalOf("History", reply);
    }

    /// <summary>Stops reading: the server's frames pile up in the socket and then in its send queue for us.</summary>
    public void StopReading()
    {
        if (Path == ReceivePath.Epoll)
        {
            // Out of the epoll set rather than skipped: level-triggered EPOLLIN would report the
            // unread socket on every wait. Waits until the thread has done it, so nothing sent
            // after this returns is read (the stall mode reports what the member read meanwhile).
            ReceivePoller.Shared.Stop(this);
            SpinWait.SpinUntil(() => PollStopped || IsClosed, TimeSpan.FromSeconds(10));
        }
        else
        {
            _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ResumeReading()
    {
        if (Path == ReceivePath.Epoll)
        {
            ReceivePoller.Shared.Resume(this);
        }
        else
        {
            _resume?.TrySetResult();
        }
    }

    /// <summary>Aborts the connection (RST, so no TIME_WAIT holds the port for the next run) and waits for the receive loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        if (Path == ReceivePath.Epoll)
        {
            // The poller lets go of the descriptor before it is closed, so it never reads a number
            // the kernel has given to another socket meanwhile.
            ReceivePoller.Shared.Remove(this);
            await PollEnded.ConfigureAwait(false);
        }
        else
        {
            ResumeReading();
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer.
        }

        _socket.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _sendGate.Dispose();
    }

    private async Task<IMessage> RequestAsync(FrameType type, IMessage message, TimeSpan timeout)
    {
        var reply = new TaskCompletionSource<IMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        uint id = NextRequestId();
        lock (_replyLock)
        {
            _reply = reply;
            _replyId = id;
        }

        if (_closed)
        {
            // The receive loop has ended (it sets this before failing the pending reply): no reply can come.
            throw new IOException($"connection closed: {ClosedBecause}");
        }

        await SendAsync(FrameWriter.Encode(type, id, message)).ConfigureAwait(false);
        try
        {
            return await reply.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no reply to {type} within {timeout.TotalSeconds:0.#} s ({ClosedBecause ?? "connection open"})");
        }
    }

    private uint NextRequestId()
    {
        uint id = ++_nextRequestId;
        if (id == 0)
        {
            id = ++_nextRequestId;
        }

        return id;
    }

    private static InvalidOperationException RefusalOf(string request, IMessage reply) =>
        new($"the server refused {request}: {(reply is Error e ? $"{e.Code}: {e.Message}" : reply.GetType().Name)}");
}
