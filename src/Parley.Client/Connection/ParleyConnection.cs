using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Parley.Protocol;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>
/// One handshaken connection to a Parley server over any duplex pipe (TCP or TLS from
/// <see cref="ParleyTransport"/>, or crossed in-memory pipes in tests).
/// </summary>
/// <remarks>
/// <para>Two loops run per connection: a read loop that parses frames, completes requests by request id,
/// answers server pings and publishes events; and a write loop that drains a queue of encoded frames with
/// one flush per batch. A heartbeat pings the server after a silence and closes a connection that has
/// stayed silent past the idle timeout.</para>
/// <para>Events go to an unbounded channel (<see cref="Events"/>) so that the read loop never waits for a
/// slow consumer: a reader that stops reading grows memory instead of stalling replies and pongs. The
/// server's send-queue limit bounds how far that can go before it evicts us.</para>
/// <para>The connection ends once; <see cref="Closed"/> then says why (the first reason wins), pending
/// requests fail with <see cref="ParleyConnectionException"/> and <see cref="Events"/> completes.</para>
/// </remarks>
public sealed partial class ParleyConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly ParleyConnectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<uint, PendingRequest> _pending = new();
    private readonly Channel<ParleyEvent> _events =
        Channel.CreateUnbounded<ParleyEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource<DisconnectInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _heartbeatStop = new();
    private DisconnectInfo? _closeReason;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private Welcome? _welcome;
    private string _nick;
    private int _closeStarted;
    private int _transportDisposed;

    private ParleyConnection(IDuplexPipe transport, ParleyConnectionOptions options)
    {
        _transport = transport;
        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger<ParleyConnection>();
        _nick = options.Nick;
    }

    /// <summary>The server's <c>Welcome</c>: its name, message of the day and limits.</summary>
    public Welcome Welcome => _welcome ?? throw new InvalidOperationException("the handshake has not completed");

    /// <summary>The server's id for this connection (for logs and support), empty before the handshake.</summary>
    public string ConnectionId => _welcome?.ConnectionId ?? string.Empty;

    /// <summary>The nickname this connection holds now.</summary>
    public string Nick => Volatile.Read(ref _nick);

    /// <summary>The account this connection is logged in to; empty for a guest (and before the handshake).</summary>
    public string Account => _welcome?.Account ?? string.Empty;

    /// <summary>Server events in arrival order. Completes when the connection closes.</summary>
    public ChannelReader<ParleyEvent> Events => _events.Reader;

    /// <summary>Completes, never faults, when the connection has closed, with the reason.</summary>
    public Task<DisconnectInfo> Closed => _closed.Task;

    /// <summary>Whether the connection is still usable (no reason to close has been recorded).</summary>
    public bool IsOpen => Volatile.Read(ref _closeReason) is null;

    /// <summary>
    /// Starts the loops over <paramref name="transport"/> and performs the handshake. The connection
    /// owns the transport from here on: it completes both pipes and disposes the transport (when it is
    /// <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) when it closes, also when this fails.
    /// </summary>
    /// <exception cref="ParleyRequestException">The server refused the <c>Hello</c> (e.g. <c>NICK_IN_USE</c>).</exception>
    /// <exception cref="ParleyConnectionException">The connection closed during the handshake.</exception>
    /// <exception cref="ParleyTimeoutException">No answer within <see cref="ParleyConnectionOptions.HandshakeTimeout"/>.</exception>
    public static async Task<ParleyConnection> ConnectAsync(
        IDuplexPipe transport, ParleyConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        var connection = new ParleyConnection(transport, options);
        connection.Start();
        try
        {
            await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Abort(DisconnectInfo.ClosedLocally("handshake failed"));
            await connection.Closed.ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens a transport to <paramref name="endpoint"/> (TLS as <see cref="ParleyConnectionOptions.Tls"/> says; an unknown
    /// server is put to its prompt, if any) and performs the handshake over it.
    /// </summary>
    /// <exception cref="ServerTrustException">The server's certificate was refused; nothing was sent.</exception>
    public static async Task<ParleyConnection> ConnectAsync(
        ParleyEndpoint endpoint, ParleyConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        StreamTransport transport = await ParleyTransport.ConnectAsync(endpoint, options.Tls, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ConnectAsync(transport, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ParleyConnectionException ex) when (!options.Tls.Enabled && ex.Info?.Error is null or ErrorCode.Unspecified)
        {
            // A TLS server hangs up on a plain Hello without a word (it was no ClientHello).
            throw new ParleyConnectionException(
                $"the server closed the connection during the handshake; if it uses TLS (the default), leave out --insecure-no-tls", ex);
        }
    }

    /// <summary>
    /// Says <c>Goodbye</c> (with <paramref name="message"/> as the quit message), waits up to
    /// <see cref="ParleyConnectionOptions.CloseTimeout"/> for the server to hang up, then closes.
    /// Idempotent; returns when the connection has closed.
    /// </summary>
    public async Task CloseAsync(string? message = null, CancellationToken cancellationToken = default)
    {
        if (TryRecordReason(DisconnectInfo.ClosedLocally(message)))
        {
            // Goodbye is the last frame: the server hangs up after reading it, which ends the read loop.
            TryEnqueue(FrameType.Goodbye, 0, new Goodbye { Reason = QuitReason.Left, Message = message ?? string.Empty });
        }

        HangUp();

        await _closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes cleanly (see <see cref="CloseAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private void Start()
    {
        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
        _writeLoop = WriteLoopAsync();
        _readLoop = ReadLoopAsync();
    }

    private bool TryRecordReason(DisconnectInfo info) => Interlocked.CompareExchange(ref _closeReason, info, null) is null;

    /// <summary>Ends the connection now, without a goodbye: idle timeout, write failure, failed handshake.</summary>
    private void Abort(DisconnectInfo info)
    {
        TryRecordReason(info);
        _outbox.Writer.TryComplete();
        CancelRead();
    }

    private void CancelRead()
    {
        try
        {
            _transport.Input.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            // The read loop has already completed the reader.
        }
    }

    /// <summary>
    /// Stops sending and gives the peer <see cref="ParleyConnectionOptions.CloseTimeout"/> to hang up before we
    /// stop reading: after our Goodbye, and after the server's Goodbye or connection-level Error, which it
    /// promises to follow with a close that a broken server might never make.
    /// </summary>
    private void HangUp()
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) == 0)
        {
            _outbox.Writer.TryComplete();
            _ = StopReadingAfterAsync(_options.CloseTimeout);
        }
    }

    private async Task StopReadingAfterAsync(TimeSpan timeout)
    {
        try
        {
            await _readLoop.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            CancelRead();
        }
    }

    /// <summary>The end of every connection, run once by the read loop as it exits.</summary>
    private async Task FinishAsync()
    {
        TryRecordReason(DisconnectInfo.ConnectionLost("the server closed the connection"));
        DisconnectInfo info = Volatile.Read(ref _closeReason)!;
        _outbox.Writer.TryComplete();
        await _heartbeatStop.CancelAsync().ConfigureAwait(false);

        // A final Goodbye may still be queued: let it go out, but don't wait long on a peer that isn't reading.
        try
        {
            await _writeLoop.WaitAsync(_options.CloseTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _transport.Output.CancelPendingFlush();
            await DisposeTransportAsync().ConfigureAwait(false);
            await _writeLoop.ConfigureAwait(false);
        }

        await _heartbeatLoop.ConfigureAwait(false);
        await DisposeTransportAsync().ConfigureAwait(false);
        _heartbeatStop.Dispose();

        foreach (KeyValuePair<uint, PendingRequest> pending in _pending)
        {
            pending.Value.TrySetException(new ParleyConnectionException(info));
        }

        _events.Writer.TryComplete();
        ClientLog.Closed(_logger, ConnectionId, info);
        _closed.TrySetResult(info);
    }

    private async ValueTask DisposeTransportAsync()
    {
        if (Interlocked.Exchange(ref _transportDisposed, 1) != 0)
        {
            return;
        }

        if (_transport is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (_transport is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private static bool IsTransportError(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException;
}
