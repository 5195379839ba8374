namespace Parley.Client;

/// <summary>Where a <see cref="ParleySession"/> is in its life.</summary>
public enum ConnectionState
{
    /// <summary>Created, not started.</summary>
    Idle,

    /// <summary>Opening a transport and handshaking.</summary>
    Connecting,

    /// <summary>Handshaken: requests can be made.</summary>
    Connected,

    /// <summary>Waiting out a backoff delay before the next attempt.</summary>
    Reconnecting,

    /// <summary>Stopped for good: quit, a fatal refusal, or out of attempts.</summary>
    Closed,
}
