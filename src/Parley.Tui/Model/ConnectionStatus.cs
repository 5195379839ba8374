using System.Globalization;
using Parley.Client;

namespace Parley.Tui.Model;

/// <summary>What the status line says about the connection.</summary>
public sealed class ConnectionStatus
{
    public ConnectionStatus(string endpoint) => Endpoint = endpoint;

    public string Endpoint { get; }

    public ConnectionState State { get; set; } = ConnectionState.Connecting;

    /// <summary>The server's name from its Welcome (already safe to draw); empty before.</summary>
    public string ServerName { get; set; } = string.Empty;

    /// <summary>When the next reconnect attempt starts (while <see cref="ConnectionState.Reconnecting"/>).</summary>
    public DateTimeOffset ReconnectAt { get; set; }

    /// <summary>The number of that attempt.</summary>
    public int Attempt { get; set; }

    /// <summary>The last ping's round trip; null when unknown or disconnected.</summary>
    public TimeSpan? Lag { get; set; }

    /// <summary>Why the last connection ended (already safe to draw).</summary>
    public string LastError { get; set; } = string.Empty;

    /// <summary><c>connected</c>, <c>connecting</c>, <c>reconnecting in 8 s (try 3)</c>, <c>disconnected</c>.</summary>
    public string Describe(DateTimeOffset now) => State switch
    {
        ConnectionState.Connected => "connected",
        ConnectionState.Reconnecting => string.Create(
            CultureInfo.InvariantCulture,
            $"reconnecting in {Math.Max(0, (int)Math.Ceiling((ReconnectAt - now).TotalSeconds))} s (try {Attempt})"),
        ConnectionState.Closed => "disconnected",
        _ => Attempt > 0 ? string.Create(CultureInfo.InvariantCulture, $"connecting (try {Attempt})") : "connecting",
    };

    public string DescribeLag() => Lag is { } lag && State == ConnectionState.Connected
        ? string.Create(CultureInfo.InvariantCulture, $"lag {lag.TotalMilliseconds:0} ms")
        : string.Empty;
}
