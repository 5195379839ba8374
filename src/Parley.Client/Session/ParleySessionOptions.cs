namespace Parley.Client;

/// <summary>Settings for a <see cref="ParleySession"/>.</summary>
public sealed class ParleySessionOptions
{
    /// <summary>
    /// Settings for each connection; <see cref="ParleyConnectionOptions.Nick"/> is the first nickname asked
    /// for, after which the session asks for the one it last held. Its clock and logger serve the session too.
    /// </summary>
    public ParleyConnectionOptions Connection { get; set; } = new();

    /// <summary>The delays between attempts. Default: 0.5 s base, 30 s cap, full jitter.</summary>
    public ReconnectBackoff Backoff { get; set; } = new();

    /// <summary>
    /// How many consecutive failed reconnect attempts to make before giving up. Default <c>null</c>: never
    /// give up, which suits a chat client; a script would rather fail.
    /// </summary>
    public int? MaxReconnectAttempts { get; set; }

    /// <summary>
    /// Called with each resume token the server issues (after a login with the password and
    /// <see cref="ParleyConnectionOptions.WantResumeToken"/>), and with <c>null</c> when the token stops
    /// working (refused, or revoked by a password change), so the caller can keep it, or forget it, on disk.
    /// The session itself reconnects with the latest token and falls back to the password if it has it.
    /// </summary>
    public Action<string?>? ResumeTokenChanged { get; set; }

    /// <summary>How long opening the transport (TCP connect and the TLS handshake) may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Join the rooms the server remembers for the account (<c>Welcome.rooms</c>) on every connect, after
    /// rejoining this session's own, each reported as a <see cref="RoomRestoredEvent"/>. Default true: an
    /// account's rooms follow it across restarts and devices. A script or a bot that wants only its own rooms
    /// turns it off.
    /// </summary>
    public bool JoinRememberedRooms { get; set; } = true;
}
