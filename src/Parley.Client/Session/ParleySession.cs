using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>Opens a new transport to the server; a <see cref="ParleySession"/> calls it for every attempt.</summary>
public delegate ValueTask<IDuplexPipe> TransportFactory(CancellationToken cancellationToken);

/// <summary>
/// A chat session that outlives its connections: when one drops, the session waits a jittered
/// exponential backoff, reconnects, asks for its nickname again and rejoins its rooms.
/// </summary>
/// <remarks>
/// <see cref="Events"/> carries, in order, the server's events and the session's own: connection
/// state changes (<see cref="ConnectingEvent"/>, <see cref="ConnectedEvent"/>, <see cref="ReconnectingEvent"/>,
/// <see cref="DisconnectedEvent"/>) and the outcome of rejoining. Every event of a connection comes before
/// the <see cref="DisconnectedEvent"/> that ends it. Requests made while there is no connection fail at once
/// with <see cref="ParleyConnectionException"/>: the session does not queue them, because a chat line sent
/// minutes late is worse than one the user knows failed.
/// If the nickname is still held by the server's view of our previous connection (it has not noticed the
/// drop yet), the handshake's <see cref="ParleyConnectionOptions.NickInUseRetries"/> decide whether we take
/// <c>nick_</c> or wait for the next attempt.
/// </remarks>
public sealed partial class ParleySession : IAsyncDisposable
{
    private readonly TransportFactory _connect;
    private readonly ParleySessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ParleyEvent> _events = Channel.CreateUnbounded<ParleyEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private ParleyConnection? _connection;
    // Completed with the connection once it has rejoined its rooms; replaced when that connection closes.
    private TaskCompletionSource<ParleyConnection> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private string _nick;
    private string _resumeToken;
    private string _password;
    private bool _register;
    private bool _triedToken;
    private string? _quitMessage;
    private bool _quitting;
    private int _state;
    private int _disposed;
    private readonly string _msgIdPrefix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    private long _lastMsgId;

    public ParleySession(string endpoint, TransportFactory connect, ParleySessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connect);
        Endpoint = endpoint;
        _connect = connect;
        _options = options ?? new ParleySessionOptions();
        _time = _options.Connection.TimeProvider;
        _logger = _options.Connection.LoggerFactory.CreateLogger<ParleySession>();
        _nick = _options.Connection.Nick;
        _resumeToken = _options.Connection.ResumeToken;
        _password = _options.Connection.Password;
        _register = _options.Connection.Register;
    }

    /// <summary>A session over plain TCP (or a stream wrapped by <paramref name="wrap"/>) to <paramref name="endpoint"/>.</summary>
    public static ParleySession ForTcp(ParleyEndpoint endpoint, ParleySessionOptions? options = null, StreamWrapper? wrap = null) =>
        new(endpoint.ToString(), async ct => await TcpTransport.ConnectAsync(endpoint, wrap, ct).ConfigureAwait(false), options);

    /// <summary>
    /// A session to <paramref name="endpoint"/> over TLS (or plain TCP) as <see cref="ParleyConnectionOptions.Tls"/> says.
    /// Every reconnect is checked by the same <see cref="ServerTrust"/> (<paramref name="trust"/>, or a new one), so a key
    /// accepted once must be presented again; a refused certificate stops the session (<see cref="DisconnectInfo.Trust"/>).
    /// The session never prompts about an unknown server, since it reconnects unattended: ask first with
    /// <see cref="ParleyTransport.ProbeAsync"/>.
    /// </summary>
    public static ParleySession ForServer(ParleyEndpoint endpoint, ParleySessionOptions? options = null, ServerTrust? trust = null)
    {
        options ??= new ParleySessionOptions();
        trust ??= new ServerTrust(endpoint, options.Connection.Tls);
        return new(endpoint.ToString(), async ct => await ParleyTransport.ConnectAsync(trust, prompt: null, ct).ConfigureAwait(false), options);
    }

    /// <summary>The server, as shown to users.</summary>
    public string Endpoint { get; }

    /// <summary>Server events and session events, in order. Completes when the session has stopped.</summary>
    public ChannelReader<ParleyEvent> Events => _events.Reader;

    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>The nickname held now, or asked for on the next connection.</summary>
    public string Nick => Volatile.Read(ref _nick);

    /// <summary>The account the session logs in to; empty for a guest session.</summary>
    public string Account => _options.Connection.Account;

    /// <summary>Starts connecting in the background; progress shows in <see cref="Events"/>.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (State != ConnectionState.Idle)
            {
                throw new InvalidOperationException("the session has already been started");
            }

            SetState(ConnectionState.Connecting);
            _run = RunAsync(_stop.Token);
        }
    }

    /// <summary>Says goodbye (with <paramref name="message"/>), closes and stops reconnecting.</summary>
    public async Task QuitAsync(string? message = null)
    {
        ParleyConnection? connection;
        lock (_lock)
        {
            _quitting = true;
            _quitMessage ??= message;
            connection = _connection;
        }

        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (connection is not null)
        {
            await connection.CloseAsync(message).ConfigureAwait(false);
        }

        await _run.ConfigureAwait(false);
        _events.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await QuitAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Dispose();
        }
    }

    private void SetState(ConnectionState state) => Volatile.Write(ref _state, (int)state);

    private void Emit(ParleyEvent e) => _events.Writer.TryWrite(e);

    private ParleyConnection Current =>
        Volatile.Read(ref _connection) is { IsOpen: true } connection
            ? connection
            : throw new ParleyConnectionException($"not connected to {Endpoint}");

    private async Task RunAsync(CancellationToken stop)
    {
        int retry = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                SetState(ConnectionState.Connecting);
                Emit(new ConnectingEvent(Endpoint, retry));
                ParleyConnection connection;
                try
                {
                    connection = await ConnectOnceAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (ServerTrustException ex)
                {
                    // The same certificate would be refused again; a changed one must never be retried into acceptance.
                    Emit(new DisconnectedEvent(DisconnectInfo.Untrusted(ex), WillReconnect: false));
                    return;
                }
                catch (ParleyRequestException ex) when (ex.Code == ErrorCode.AuthFailed && _triedToken)
                {
                    // The resume token expired or was revoked: forget it, and log in with the password if we have it.
                    ForgetResumeToken();
                    if (_password.Length == 0)
                    {
                        Emit(new DisconnectedEvent(new DisconnectInfo(QuitReason.Unspecified, "the saved login has expired; log in with the password again", ex.Code), WillReconnect: false));
                        return;
                    }

                    continue;
                }
                catch (ParleyRequestException ex) when (IsFatal(ex.Code))
                {
                    Emit(new DisconnectedEvent(new DisconnectInfo(DisconnectInfo.ReasonFor(ex.Code), ex.Message, ex.Code), WillReconnect: false));
                    return;
                }
                catch (Exception ex)
                {
                    // Refused, unresolvable, timed out, or our nickname still held by our previous connection:
                    // each may well succeed on a later try.
                    ClientLog.ConnectFailed(_logger, Endpoint, retry, ex);
                    retry++;
                    if (!await BackOffAsync(retry, ex, stop, (ex as ParleyRequestException)?.RetryAfter).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                DisconnectInfo info = await RunConnectionAsync(connection, stop).ConfigureAwait(false);
                bool again = !info.IsFatal && !stop.IsCancellationRequested;
                Emit(new DisconnectedEvent(info, again));
                retry = 1;
                if (!again || !await BackOffAsync(retry, null, stop).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            SetState(ConnectionState.Closed);
            lock (_lock)
            {
                _ready.TrySetException(new ParleyConnectionException($"the session with {Endpoint} has stopped"));
            }

            _events.Writer.TryComplete();
        }
    }

    private async Task<ParleyConnection> ConnectOnceAsync(CancellationToken stop)
    {
        IDuplexPipe transport;
        using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
        {
            try
            {
                transport = await _connect(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                throw new ParleyTimeoutException($"connecting to {Endpoint} took longer than {_options.ConnectTimeout.TotalSeconds} s", ex);
            }
        }

        // The handshake has its own timeout (ParleyConnectionOptions.HandshakeTimeout).
        ParleyConnectionOptions attempt = _options.Connection.ForAttempt(Nick, Volatile.Read(ref _resumeToken), Volatile.Read(ref _password), _register);
        _triedToken = attempt.Account.Length > 0 && attempt.ResumeToken.Length > 0 && !attempt.Register;
        return await ParleyConnection.ConnectAsync(transport, attempt, stop).ConfigureAwait(false);
    }

    /// <summary>Hello errors that the same Hello would meet again: reconnecting can't help.</summary>
    private static bool IsFatal(ErrorCode code) => code is ErrorCode.UnsupportedVersion or ErrorCode.InvalidName or ErrorCode.AuthFailed
        or ErrorCode.LoginRequired or ErrorCode.RegistrationClosed or ErrorCode.AccountExists or ErrorCode.WeakPassword
        or ErrorCode.NickRegistered or ErrorCode.InvalidRequest or ErrorCode.Banned;

    private void ForgetResumeToken()
    {
        if (Interlocked.Exchange(ref _resumeToken, string.Empty).Length > 0)
        {
            _options.ResumeTokenChanged?.Invoke(null);
        }
    }

    /// <summary>After a handshake: the account exists now, and a token the server issued is the one to reconnect with.</summary>
    private void NoteLogin(ParleyConnection connection)
    {
        _register = false;
        string token = connection.Welcome.ResumeToken;
        if (token.Length > 0)
        {
            Volatile.Write(ref _resumeToken, token);
            _options.ResumeTokenChanged?.Invoke(token);
        }
    }

    /// <summary>Reports and waits out the delay before retry <paramref name="retry"/>; false when the session should stop.</summary>
    private async Task<bool> BackOffAsync(int retry, Exception? lastError, CancellationToken stop, TimeSpan? atLeast = null)
    {
        if (_options.MaxReconnectAttempts is { } max && retry > max)
        {
            Emit(new DisconnectedEvent(DisconnectInfo.ConnectionLost(lastError?.Message ?? "gave up reconnecting"), WillReconnect: false));
            return false;
        }

        // RATE_LIMITED says when to try again: no sooner than that.
        TimeSpan delay = _options.Backoff.GetDelay(retry);
        if (atLeast > delay)
        {
            delay = atLeast.Value;
        }

        SetState(ConnectionState.Reconnecting);
        // The timer starts before the event goes out, so whoever reacts to the event (a test moving a
        // fake clock, say) sees the delay already running.
        Task waiting = Task.Delay(delay, _time, stop);
        Emit(new ReconnectingEvent(retry, delay, lastError));
        ClientLog.Reconnecting(_logger, Endpoint, delay, retry);
        try
        {
            await waiting.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs one established connection until it closes, and says why it did.</summary>
    private async Task<DisconnectInfo> RunConnectionAsync(ParleyConnection connection, CancellationToken stop)
    {
        bool quitting;
        lock (_lock)
        {
            quitting = _quitting;
            if (!quitting)
            {
                _connection = connection;
            }
        }

        if (quitting)
        {
            // QuitAsync ran while we were handshaking and could not see this connection.
            await connection.CloseAsync(_quitMessage, CancellationToken.None).ConfigureAwait(false);
            return await connection.Closed.ConfigureAwait(false);
        }

        Volatile.Write(ref _nick, connection.Nick);
        NoteLogin(connection);
        SetState(ConnectionState.Connected);
        Emit(new ConnectedEvent(Endpoint, connection.Nick, connection.Welcome));
        // Rejoin and replay what was missed before passing on any live event: live messages queue in the
        // connection's channel meanwhile (its reader never waits), so history comes out first, in order.
        bool rejoined = await RejoinAsync(connection, stop).ConfigureAwait(false);
        if (rejoined)
        {
            lock (_lock)
            {
                _ready.TrySetResult(connection);
            }
        }

        // A connection lost before its replays finished must not pass on the live messages it queued
        // meanwhile: they would jump past the part of the gap not yet replayed, which the next
        // connection replays instead (found by the SIGKILL test).
        Task pump = rejoined ? PumpEventsAsync(connection) : DrainEventsAsync(connection);
        if (!rejoined && connection.IsOpen)
        {
            // A replay that failed on a live connection (a timeout): start over on a new one.
            await connection.CloseAsync("rejoin failed", CancellationToken.None).ConfigureAwait(false);
        }

        DisconnectInfo info = await connection.Closed.ConfigureAwait(false);
        lock (_lock)
        {
            _connection = null;
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource<ParleyConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        await pump.ConfigureAwait(false);

        return info;
    }

    private static async Task DrainEventsAsync(ParleyConnection connection)
    {
        await foreach (ParleyEvent _ in connection.Events.ReadAllAsync().ConfigureAwait(false))
        {
        }
    }

    private async Task PumpEventsAsync(ParleyConnection connection)
    {
        await foreach (ParleyEvent e in connection.Events.ReadAllAsync().ConfigureAwait(false))
        {
            if (Track(e))
            {
                Emit(e);
            }
        }
    }
}
