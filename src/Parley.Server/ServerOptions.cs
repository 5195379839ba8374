using System.ComponentModel.DataAnnotations;
using Parley.Protocol;

namespace Parley.Server;

/// <summary>
/// Everything an operator can set. Sources, later ones winning: these defaults, the JSON file
/// (<c>--config</c>), <c>PARLEY__</c> environment variables (<c>PARLEY__MaxConnections=5000</c>), flags.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>
    /// Endpoints to listen on, <c>ADDR:PORT</c>: <c>0.0.0.0:7275</c> (IPv4), <c>[::]:7275</c> (IPv6 only),
    /// <c>*:7275</c> (every IPv4 and IPv6 address, one dual-stack socket). Default: <c>*:7275</c>.
    /// </summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>Where the server keeps its data. Default: <c>$XDG_DATA_HOME/parley/server</c>.</summary>
    public string? DataDirectory { get; set; }

    public string ServerName { get; set; } = "parley";

    public string Motd { get; set; } = "Welcome to Parley.";

    /// <summary>Open connections across all clients; beyond it a new one gets SERVER_FULL and a close.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnections { get; set; } = 200_000;

    /// <summary>Open connections from one IP address. A shared NAT counts as one address: raise it for such sites.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>
    /// Largest frame payload accepted. Default and minimum 64 KiB (<see cref="ProtocolConstants.DefaultMaxFramePayload"/>):
    /// the server's own frames (a message of the largest text) must fit in what it allows.
    /// </summary>
    [Range(ProtocolConstants.DefaultMaxFramePayload, 16 * 1024 * 1024)]
    public int MaxFramePayload { get; set; } = ProtocolConstants.DefaultMaxFramePayload;

    /// <summary>A connection that has not completed the handshake by then is closed (slowloris defence).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The server pings a connection from which nothing has arrived for this long.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection from which no frame has arrived for this long is closed as timed out. Must exceed <see cref="PingInterval"/>.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Plain TCP connections are written with non-blocking <c>send</c> calls straight to the socket while the
    /// kernel takes every batch whole, instead of through Kestrel's output pipe; a connection whose send comes
    /// up short uses the pipe from then on. Default true. TLS connections always use the pipe.
    /// </summary>
    public bool DirectSocketWrites { get; set; } = true;

    /// <summary>
    /// Bytes queued for one client above which it is marked lagging (logged and counted; nothing is dropped).
    /// Default 1 MiB: a few seconds of a busy room.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long SendQueueSoftBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes queued for one client above which it is evicted as a slow consumer. Default 4 MiB: with
    /// 10,000 members the worst case is 40 GiB, so large servers should lower it; the client resumes
    /// what it missed from history after reconnecting, so eviction costs it a reconnect, not messages.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long SendQueueHardBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// A client over <see cref="SendQueueHardBytes"/> is evicted only if nothing has been written to
    /// it for this long; one whose writer is still sending (the server is merely busy) may grow to
    /// four times the hard limit before it is evicted regardless.
    /// </summary>
    public TimeSpan EvictionProgressWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes of control frames (pongs, errors, goodbyes) queued for one client before it is evicted; they are never dropped.</summary>
    [Range(1024, long.MaxValue)]
    public long ControlQueueHardBytes { get; set; } = 256 * 1024;

    /// <summary>A write to the socket that has not completed after this long evicts the client as a slow consumer.</summary>
    public TimeSpan WriteStallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing connection (evicted, timed out, protocol error) gets to flush its last frame before it is aborted.</summary>
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On SIGINT/SIGTERM, how long clients get to receive what is queued and the goodbye before the server exits.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True (the default): an acknowledgement means the message was fsynced to disk, so it survives
    /// a power loss. False: commits skip the fsync (SQLite synchronous=NORMAL in WAL mode); an
    /// acknowledged message then survives a crash of the server process but not of the machine.
    /// See docs/OPERATIONS.md.
    /// </summary>
    public bool SyncCommits { get; set; } = true;

    /// <summary>Rooms one connection may be in at once; a Join beyond it gets TOO_MANY_ROOMS. Announced.</summary>
    [Range(1, 100_000)]
    public int MaxRoomsPerSession { get; set; } = 100;

    /// <summary>
    /// Members one room may have; a Join of a full room gets ROOM_FULL. Default 10,000. Announced. Each
    /// message to a room costs one queue offer per member, so this bounds what one message can cost.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxMembersPerRoom { get; set; } = 10_000;

    /// <summary>Flood control: message, request and connection rates. See <see cref="Limits.RateLimitOptions"/>.</summary>
    public Limits.RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>
    /// How often the server checks how much memory glibc's <c>malloc</c> holds free, and hands it back to the system
    /// when it is at least <see cref="NativeMemoryTrimThresholdBytes"/> (<see cref="Hosting.NativeMemoryTrimmer"/>:
    /// what OpenSSL freed after a burst of TLS traffic stays resident otherwise). Zero turns it off. Default 10 s.
    /// </summary>
    public TimeSpan NativeMemoryTrimInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Free bytes in <c>malloc</c>'s arenas that make a trim worth its walk of them. Default 16 MiB.</summary>
    [Range(0, long.MaxValue)]
    public long NativeMemoryTrimThresholdBytes { get; set; } = 16L << 20;

    /// <summary>How often the heartbeat scans connections for the deadlines above.</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the server looks for changes made with <c>parley admin</c> (bans, deleted or reset accounts). Default 2 s.</summary>
    public TimeSpan AdminChangePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>TLS: on by default with a self-signed certificate made on the first start. See <see cref="Tls.ServerTlsOptions"/>.</summary>
    public Tls.ServerTlsOptions Tls { get; set; } = new();

    /// <summary>Per-room history limits by age and count, applied hourly. Default: everything is kept. See <see cref="Storage.RetentionOptions"/>.</summary>
    public Storage.RetentionOptions Retention { get; set; } = new();

    /// <summary>Server mode (open, registered, invite), registration, password hashing and the failed-login throttle. See <see cref="Accounts.AccountOptions"/>.</summary>
    public Accounts.AccountOptions Accounts { get; set; } = new();

    internal IReadOnlyList<string> EffectiveListen =>
        Listen.Count > 0 ? Listen : [$"*:{ProtocolConstants.DefaultPort}"];
}
