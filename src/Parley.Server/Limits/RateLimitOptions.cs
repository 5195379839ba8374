namespace Parley.Server.Limits;

/// <summary>
/// Flood control (issue 4, docs/PROTOCOL.md "Flood control", docs/SECURITY.md): token buckets for
/// messages, for other requests, and for new connections per address. Every limit is on by default;
/// a burst or a rate of 0 turns that limit off, and the server logs a warning at start for each one
/// that is off.
/// </summary>
/// <remarks>
/// A bucket holds at most its burst of tokens and refills at its rate; each action takes one. The
/// refill is credited on the server's heartbeat (<see cref="ServerOptions.HeartbeatPeriod"/>, 1 s),
/// so a client at its limit sees tokens arrive once per beat, and <c>retry_after_ms</c> names that beat.
/// </remarks>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Say and Whisper: a burst of this many (default 5), announced as <c>rate_burst</c>. 0: no message limit.
    /// </summary>
    public int MessageBurst { get; set; } = 5;

    /// <summary>
    /// ...then this many per second (default 2), announced as <c>rate_per_second</c>. 0: no message limit.
    /// </summary>
    public double MessagesPerSecond { get; set; } = 2;

    /// <summary>
    /// Every other request but History (Hello, Join, Part, SetNick, SetTopic, Names, ListRooms, Ping,
    /// MarkRead, ...): a burst of this many (default 30), not announced. Generous, so that a client
    /// rejoining its rooms after a reconnect is at most slowed down, while a join/part or nickname flood,
    /// each of which the server fans out to whole rooms, is refused. 0: no request limit.
    /// History is not counted: it is the catch-up path, and the server already stops reading a client's
    /// requests while its replies pile up (docs/ARCHITECTURE.md, flow control).
    /// </summary>
    public int RequestBurst { get; set; } = 30;

    /// <summary>...then this many per second (default 10). 0: no request limit.</summary>
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>
    /// New connections from one IP address (IPv4), or one /64 (IPv6, where one host has a whole /64):
    /// a burst of this many (default 20). Beyond it a connection gets <c>Error RATE_LIMITED</c> with
    /// request id 0 and <c>retry_after_ms</c>, then the close. 0: no connection rate limit.
    /// </summary>
    public int ConnectionBurst { get; set; } = 20;

    /// <summary>...then this many per second (default 5). 0: no connection rate limit.</summary>
    public double ConnectionsPerSecond { get; set; } = 5;

    /// <summary>
    /// Addresses (<c>203.0.113.7</c>, <c>::1</c>) and networks (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>)
    /// exempt from the connection limits: the connection rate above and
    /// <see cref="ServerOptions.MaxConnectionsPerAddress"/> (<see cref="ServerOptions.MaxConnections"/>
    /// still applies). Empty by default. For a bouncer, a bridge or a load generator on a known address;
    /// their messages are still limited.
    /// </summary>
    public List<string> ExemptAddresses { get; set; } = [];

    /// <summary>
    /// A client refused this many times (default 20) within <see cref="RefusalWindow"/> is disconnected
    /// with <c>Error RATE_LIMITED</c> (request id 0); its rooms see it quit with PROTOCOL_ERROR. A client
    /// that waits out <c>retry_after_ms</c> is refused about once per message at most, far below this.
    /// 0: never disconnect for it.
    /// </summary>
    public int RefusalsBeforeDisconnect { get; set; } = 20;

    /// <summary>The window in which <see cref="RefusalsBeforeDisconnect"/> refusals disconnect (default 10 s).</summary>
    public TimeSpan RefusalWindow { get; set; } = TimeSpan.FromSeconds(10);

    internal bool MessagesLimited => MessageBurst > 0 && MessagesPerSecond > 0;

    internal bool RequestsLimited => RequestBurst > 0 && RequestsPerSecond > 0;

    internal bool ConnectionsLimited => ConnectionBurst > 0 && ConnectionsPerSecond > 0;
}
