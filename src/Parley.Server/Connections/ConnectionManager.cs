using System.Collections.Concurrent;
using System.Net;
using Parley.Protocol;
using Parley.Protocol.Messages;
using Parley.Server.Limits;

namespace Parley.Server.Connections;

/// <summary>
/// The live connections: admission against the connection limits, the heartbeat that enforces every
/// connection's deadlines from one timer, and the shutdown broadcast.
/// </summary>
internal sealed class ConnectionManager : IDisposable
{
    private readonly ServerContext _context;
    private readonly ConcurrentDictionary<ClientConnection, byte> _live = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly ConnectionRateLimiter _connectionRate;
    private ITimer? _heartbeat;
    private int _count;
    private volatile bool _shuttingDown;

    public ConnectionManager(ServerContext context)
    {
        _context = context;
        _connectionRate = new ConnectionRateLimiter(context.Options.RateLimits);
    }

    /// <summary>Connections admitted and not yet finished (their loops still running).</summary>
    public int LiveCount => Volatile.Read(ref _count);

    public bool IsShuttingDown => _shuttingDown;

    public IEnumerable<ClientConnection> Live => _live.Keys;

    public void StartHeartbeat()
    {
        TimeSpan period = _context.Options.HeartbeatPeriod;
        if (_heartbeat is null)
        {
            // Retry-after values count beats from here (FloodControl): the first beat is one period away.
            _context.FloodControl.NoteBeat(_context.Time.GetTimestamp());
            _heartbeat = _context.Time.CreateTimer(_ => Beat(), null, period, period);
        }
    }

    /// <summary>Checks the limits; on success the caller must call <see cref="Release"/> when the connection ends.</summary>
    public ErrorCode TryAdmit(IPAddress? address) => TryAdmit(address, out _);

    /// <inheritdoc cref="TryAdmit(IPAddress?)"/>
    /// <param name="address">The client's address; null for a transport without one (in-memory tests).</param>
    /// <param name="retryAfterMs">For <see cref="ErrorCode.RateLimited"/>: when the address may connect again.</param>
    public ErrorCode TryAdmit(IPAddress? address, out uint retryAfterMs)
    {
        retryAfterMs = 0;
        if (_shuttingDown)
        {
            return ErrorCode.ServerShuttingDown;
        }

        // Exempt addresses (the operator's list) skip the per-address limits, never the total.
        bool exempt = address is null || _connectionRate.IsExempt(address);
        if (!exempt && !_connectionRate.TryAdmit(address!, out retryAfterMs))
        {
            return ErrorCode.RateLimited;
        }

        if (Interlocked.Increment(ref _count) > _context.Options.MaxConnections)
        {
            Interlocked.Decrement(ref _count);
            return ErrorCode.ServerFull;
        }

        if (address is not null && !exempt)
        {
            int n = _perAddress.AddOrUpdate(address, 1, static (_, n) => n + 1);
            if (n > _context.Options.MaxConnectionsPerAddress)
            {
                ReleaseAddress(address);
                Interlocked.Decrement(ref _count);
                return ErrorCode.TooManyConnectionsFromAddress;
            }
        }

        return ErrorCode.Unspecified;
    }

    public void Add(ClientConnection connection) => _live.TryAdd(connection, 0);

    public void Release(ClientConnection? connection, IPAddress? address)
    {
        if (connection is not null)
        {
            _live.TryRemove(connection, out _);
        }

        if (address is not null && !_connectionRate.IsExempt(address))
        {
            ReleaseAddress(address);
        }

        Interlocked.Decrement(ref _count);
    }

    /// <summary>
    /// Stops admitting, and tells every client the server is going away: each gets what is already
    /// queued for it, then a Goodbye, then the close.
    /// </summary>
    public void BeginShutdown()
    {
        _shuttingDown = true;
        // Messages already accepted get stored and acknowledged before the goodbyes; new ones are refused from here on.
        _context.Committer.FlushAsync(_context.Time, _context.Options.ShutdownTimeout).GetAwaiter().GetResult();
        Log.ShuttingDown(_context.Logger, _live.Count);
        byte[] goodbye = FrameWriter.Encode(FrameType.Goodbye, 0, new Goodbye { Reason = QuitReason.ServerShuttingDown, Message = "server shutting down" });
        foreach (ClientConnection connection in _live.Keys)
        {
            connection.Close(QuitReason.ServerShuttingDown, goodbye, discardData: false);
        }
    }

    /// <summary>Waits until every connection has finished, or the deadline passes.</summary>
    public async Task WaitForDrainAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        long start = _context.Time.GetTimestamp();
        while (LiveCount > 0 && _context.Time.GetElapsedTime(start) < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _heartbeat?.Dispose();
        _connectionRate.Dispose();
    }

    private void Beat()
    {
        long now = _context.Time.GetTimestamp();
        _context.FloodControl.NoteBeat(now);
        foreach (ClientConnection connection in _live.Keys)
        {
            connection.OnHeartbeat(now);
        }

        // Timed mutes end on the same timer, so the rooms are told within a beat of the time.
        _context.Hub.ExpireMutes(_context.Time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private void ReleaseAddress(IPAddress address)
    {
        // Remove the entry when it reaches zero, so the map holds only addresses with open connections.
        while (true)
        {
            if (!_perAddress.TryGetValue(address, out int n))
            {
                return;
            }

            if (n <= 1)
            {
                if (_perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, n)))
                {
                    return;
                }
            }
            else if (_perAddress.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }
}
