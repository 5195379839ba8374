using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Client;

/// <summary>Settings for one <see cref="ParleyConnection"/>. The defaults suit an interactive client.</summary>
public sealed class ParleyConnectionOptions
{
    /// <summary>Sent in <c>Hello.client_name</c>; the server only logs it. Default <c>parley-client/0.1</c>.</summary>
    public string ClientName { get; set; } = "parley-client/0.1";

    /// <summary>The nickname asked for in <c>Hello</c>. Empty (the default): the server assigns a guest name.</summary>
    public string Nick { get; set; } = string.Empty;

    /// <summary>
    /// How many more <c>Hello</c>s to send, with <c>nick_</c>, <c>nick_2</c>, ..., when the server answers
    /// <c>NICK_IN_USE</c>. Default 0: fail with <see cref="ParleyRequestException"/> instead.
    /// </summary>
    public int NickInUseRetries { get; set; }

    /// <summary>How long the server has to answer <c>Hello</c>. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a request waits for its reply before failing with <see cref="ParleyTimeoutException"/>.
    /// Default 10 s: long enough for a loaded server's group commit, short enough that a user learns of a
    /// stuck connection before the heartbeat does.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Client-side heartbeat: after this much silence from the server, ping it. <c>null</c> (the default)
    /// uses the server's <c>ping_interval_ms</c> from <c>Welcome</c>; <see cref="TimeSpan.Zero"/> turns the
    /// heartbeat off.
    /// </summary>
    public TimeSpan? PingInterval { get; set; }

    /// <summary>
    /// After this much silence the connection is considered dead and closed with
    /// <c>QuitReason.TimedOut</c>. <c>null</c> (the default) uses the server's <c>idle_timeout_ms</c>;
    /// when the server announces none, three ping intervals.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>How long a clean close waits for the server to hang up after our <c>Goodbye</c>. Default 2 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// TLS and how the server's identity is checked when the connection is opened by endpoint
    /// (<see cref="ParleyConnection.ConnectAsync(ParleyEndpoint, ParleyConnectionOptions, CancellationToken)"/>,
    /// <see cref="ParleySession.ForServer"/>). Default: TLS, public chain or pinned key, unknown servers refused.
    /// </summary>
    public ClientTlsOptions Tls { get; set; } = new();

    /// <summary>The clock for timeouts and heartbeats; tests pass a <c>FakeTimeProvider</c>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where diagnostics go. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>A copy that asks for <paramref name="nick"/>.</summary>
    internal ParleyConnectionOptions WithNick(string nick)
    {
        var copy = (ParleyConnectionOptions)MemberwiseClone();
        copy.Nick = nick;
        return copy;
    }
}
