using System.IO.Pipelines;
using System.Net;
using ProtocolViolationException = Parley.Protocol.ProtocolViolationException;
using Microsoft.Extensions.Logging;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Chat;

namespace Parley.Server.Connections;

/// <summary>
/// One client connection: a read loop that parses frames and hands them to the <see cref="Session"/>,
/// a write loop that drains the <see cref="SendQueue"/>, and the deadlines the heartbeat enforces.
/// Works over any <see cref="IDuplexPipe"/> (a Kestrel socket, TLS, or an in-memory pipe in tests).
/// </summary>
internal sealed partial class ClientConnection
{
    private readonly IDuplexPipe _transport;
    private readonly Action _abort;
    private readonly ServerContext _context;
    private readonly ILogger _logger;
    private readonly long _connectedAt;
    private long _lastFrameAt;
    private long _lastPingAt;
    private long _flushStartedAt;
    private readonly ResumeSignal _resume = new();
    private int _closeReason;
    private string? _closeMessage;
    private readonly System.Net.Security.SslStream? _idleTls;
    private int _tlsUsed;
    private bool _tlsReleaseDue;

    /// <param name="id">Kestrel's connection id, for logs.</param>
    /// <param name="remote">The peer's address, if known.</param>
    /// <param name="transport">The connection's byte streams (the socket's, TLS's, or an in-memory pipe).</param>
    /// <param name="abort">Ends the transport at once (a peer that does not read its last frames).</param>
    /// <param name="context">The server's shared state.</param>
    /// <param name="directSocket">The plain TCP socket under <paramref name="transport"/>, to be written directly
    /// (<see cref="SendDirect"/>); null to write through the transport only.</param>
    /// <param name="idleTls">The TLS stream under <paramref name="transport"/> whose OpenSSL buffers are freed once the
    /// connection is quiet (<see cref="Tls.OpenSslIdleBuffers.ReleaseIdleBios"/>); null for none.</param>
    public ClientConnection(string id, IPEndPoint? remote, IDuplexPipe transport, Action abort, ServerContext context,
        System.Net.Sockets.Socket? directSocket = null, System.Net.Security.SslStream? idleTls = null)
    {
        _directSocket = directSocket;
        _idleTls = idleTls;
        Id = id;
        RemoteEndPoint = remote;
        _transport = transport;
        _abort = abort;
        _context = context;
        _logger = context.Logger;
        ServerOptions o = context.Options;
        Queue = new SendQueue(o.SendQueueSoftBytes, o.SendQueueHardBytes, o.ControlQueueHardBytes, context.Time, o.EvictionProgressWindow);
        Session = new Session(this, context);
        _connectedAt = _lastFrameAt = context.Time.GetTimestamp();
    }

    public string Id { get; }

    public IPEndPoint? RemoteEndPoint { get; }

    public SendQueue Queue { get; }

    public Session Session { get; }

    /// <summary>What the read loop is doing now: for diagnosing a stuck client.</summary>
    public string ReadStatus { get; private set; } = "not started";

    /// <summary>What the write loop is doing now.</summary>
    public string WriteStatus { get; private set; } = "not started";

    /// <summary>The TLS stream whose OpenSSL buffers are freed while quiet; null for none. For tests.</summary>
    internal System.Net.Security.SslStream? IdleTls => _idleTls;

    /// <summary>True while frames go straight to the socket rather than through the transport's pipe.</summary>
    internal bool WritesDirectly => Volatile.Read(ref _directSocket) is not null;

    /// <summary>Runs the connection to its end. Never throws: failures are sorted and logged at the loop boundary.</summary>
    public async Task RunAsync()
    {
        // The write loop starts first so that anything the read loop queues has a drain.
        Task writing = WriteLoopAsync();
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (ProtocolViolationException ex)
        {
            Log.ProtocolViolation(_logger, Id, ex.Code, ex.Message);
            Close(QuitReason.ProtocolError, ErrorFrame(ex.Code, ex.Message), discardData: false);
        }
        catch (Exception ex) when (IsConnectionError(ex))
        {
            Log.ConnectionReset(_logger, Id, ex.Message);
        }
        catch (Exception ex)
        {
            // A bug while handling this connection: it closes this connection only.
            Log.ConnectionFailed(_logger, Id, ex);
            Close(QuitReason.ConnectionLost, ErrorFrame(ErrorCode.Internal, "internal server error"), discardData: false);
        }
        finally
        {
            ReadStatus = "done";
            await FinishAsync(writing).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts closing the connection, from any thread. The first reason wins; later calls do nothing.
    /// </summary>
    /// <param name="reason">What the connection's rooms are told.</param>
    /// <param name="finalFrame">An error or goodbye frame to send before the close, if any.</param>
    /// <param name="discardData">True for eviction: queued data is dropped and only <paramref name="finalFrame"/> goes out.
    /// False: queued data goes out first, then <paramref name="finalFrame"/>.</param>
    /// <param name="message">The user's own words, for a quit the user asked for.</param>
    public void Close(QuitReason reason, byte[]? finalFrame, bool discardData, string? message = null)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, 0) != 0)
        {
            return;
        }

        _closeMessage = message;
        if (discardData)
        {
            Queue.DiscardData();
        }

        if (finalFrame is not null)
        {
            _ = discardData ? Queue.TryEnqueueControl(finalFrame) : Queue.TryEnqueueLast(finalFrame);
        }

        // Not called here: with Kestrel's inline scheduling (ParleyServerHost.ConfigureSockets) the read loop's
        // continuation, and with it the whole end of the connection (leaving its rooms, telling the members),
        // would run on this thread, which may be a fan-out thread inside a room's lock (an eviction).
        ThreadPool.UnsafeQueueUserWorkItem(static input => input.CancelPendingRead(), _transport.Input, preferLocal: false);
        _resume.Release();
    }

    /// <summary>The client sent Goodbye: it leaves with its own words.</summary>
    internal void CloseByClient(string message) => Close(QuitReason.Left, null, discardData: false, message);

    internal bool IsClosing => Volatile.Read(ref _closeReason) != 0;

    /// <summary>Evicts the client as a slow consumer (send queue over its hard limit, or a stalled write).</summary>
    public void Evict(string why)
    {
        if (IsClosing)
        {
            return;
        }

        Log.SlowConsumer(_logger, Id, Session.Nick ?? "-", why, Queue.QueuedBytes);
        _context.Metrics.Evictions.Add(1);
        byte[] goodbye = FrameWriter.Encode(FrameType.Goodbye, 0, new Goodbye { Reason = QuitReason.SlowConsumer, Message = why });
        Close(QuitReason.SlowConsumer, goodbye, discardData: true);
    }

    /// <summary>The read or write loop used the TLS stream: its buffers are freed after the next quiet heartbeat.</summary>
    private void NoteTlsUsed()
    {
        if (_idleTls is not null && Volatile.Read(ref _tlsUsed) == 0)
        {
            Volatile.Write(ref _tlsUsed, 1);
        }
    }

    /// <summary>
    /// Frees the TLS stream's OpenSSL buffers once the connection has been quiet for a whole heartbeat after using
    /// it, so a member who once received a large message does not keep its buffers while idle, and a busy one does not
    /// free and allocate them every heartbeat. <see cref="_tlsReleaseDue"/> is the heartbeat's alone; two beats that
    /// overlap (a beat longer than its period) may both release, which SslStream's lock keeps safe.
    /// </summary>
    private void ReleaseIdleTls(System.Net.Security.SslStream tls)
    {
        if (Interlocked.Exchange(ref _tlsUsed, 0) == 1)
        {
            _tlsReleaseDue = true;
        }
        else if (_tlsReleaseDue && Queue.QueuedBytes == 0)
        {
            _tlsReleaseDue = false;
            Tls.OpenSslIdleBuffers.ReleaseIdleBios(tls);
        }
    }

    /// <summary>Called by the heartbeat: enforces the handshake, idle and write-stall deadlines, and pings.</summary>
    public void OnHeartbeat(long now)
    {
        if (IsClosing)
        {
            return;
        }

        ServerOptions o = _context.Options;
        TimeProvider time = _context.Time;
        Session.Limits.Replenish();
        Queue.NoteIdle();
        if (_idleTls is not null)
        {
            ReleaseIdleTls(_idleTls);
        }

        long flushStarted = Volatile.Read(ref _flushStartedAt);
        if (flushStarted != 0 && time.GetElapsedTime(flushStarted, now) > o.WriteStallTimeout)
        {
            Evict($"a write has been stalled for over {o.WriteStallTimeout.TotalSeconds:0} s");
            return;
        }

        if (!Session.IsReady)
        {
            if (time.GetElapsedTime(_connectedAt, now) > o.HandshakeTimeout)
            {
                Close(QuitReason.TimedOut, ErrorFrame(ErrorCode.HandshakeTimeout, "no handshake within the deadline"), discardData: true);
            }

            return;
        }

        TimeSpan silent = time.GetElapsedTime(Volatile.Read(ref _lastFrameAt), now);
        if (silent > o.IdleTimeout)
        {
            Close(QuitReason.TimedOut, ErrorFrame(ErrorCode.IdleTimeout, $"nothing received for {o.IdleTimeout.TotalSeconds:0} s"), discardData: true);
        }
        else if (silent > o.PingInterval && time.GetElapsedTime(_lastPingAt, now) > o.PingInterval)
        {
            _lastPingAt = now;
            SendControl(FrameWriter.Encode(FrameType.Ping, 0, new Ping { Nonce = (ulong)now }));
        }
    }

    /// <summary>Queues a reply or event; evicts the client if that takes it over its hard limit.</summary>
    public void Send(byte[] frame)
    {
        switch (Queue.TryEnqueue(frame))
        {
            case EnqueueResult.Overflow:
                Evict($"send queue over {Queue.HardLimit} bytes");
                break;
            case EnqueueResult.QueuedNowLagging:
                _context.Metrics.Lagging.Add(1);
                Log.Lagging(_logger, Id, Session.Nick ?? "-", Queue.QueuedBytes);
                break;
        }
    }

    /// <summary>Queues a control frame ahead of data; never dropped while the connection lives.</summary>
    public void SendControl(byte[] frame)
    {
        if (!Queue.TryEnqueueControl(frame))
        {
            Evict("control queue over its limit");
        }
    }

    internal static byte[] ErrorFrame(ErrorCode code, string message, uint requestId = 0, uint retryAfterMs = 0) =>
        FrameWriter.Encode(FrameType.Error, requestId, new Error { Code = code, Message = message, RetryAfterMs = retryAfterMs });

    private async Task FinishAsync(Task writing)
    {
        // Unless a Close gave a reason, the read side ended on its own (EOF, reset, truncated frame).
        Interlocked.CompareExchange(ref _closeReason, (int)QuitReason.ConnectionLost, 0);
        var reason = (QuitReason)Volatile.Read(ref _closeReason);

        try
        {
            _context.Hub.Disconnect(Session, reason, _closeMessage ?? string.Empty);
            Session.Limits.Release(Session);
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(_logger, Id, ex);
        }

        Queue.Complete();
        try
        {
            // The last frames (error, goodbye) get a short grace to leave; a peer that doesn't read
            // them is aborted rather than holding the connection open.
            await writing.WaitAsync(_context.Options.CloseGrace, _context.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            WriteStatus = "aborted after close grace";
            _abort();
            await writing.ConfigureAwait(false);
        }

        Log.Closed(_logger, Id, Session.Nick ?? "-", reason);
        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        await _transport.Output.CompleteAsync().ConfigureAwait(false);
    }

    private static bool IsConnectionError(Exception ex) => ex is IOException or OperationCanceledException or ObjectDisposedException
        or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException
        or System.Net.Sockets.SocketException;
}
