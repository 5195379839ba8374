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
    /// The account to log in to (or to create with <see cref="Register"/>). Empty (the default): a guest session.
    /// With an account, give <see cref="Password"/> or <see cref="ResumeToken"/> (the token wins when both are set).
    /// </summary>
    public string Account { get; set; } = string.Empty;

    /// <summary>
    /// The account's password, 8 to 1024 UTF-8 bytes. It travels inside the connection as is: send it only
    /// over TLS or to the loopback (docs/PROTOCOL.md, "Accounts and authentication").
    /// </summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>Create <see cref="Account"/> with <see cref="Password"/> instead of logging in to it.</summary>
    public bool Register { get; set; }

    /// <summary>The invite code a server in invite mode needs for <see cref="Register"/>.</summary>
    public string InviteCode { get; set; } = string.Empty;

    /// <summary>Ask for a resume token in the Welcome (<c>Welcome.ResumeToken</c>) when logging in with the password.</summary>
    public bool WantResumeToken { get; set; }

    /// <summary>A resume token from an earlier Welcome: logs in to <see cref="Account"/> without the password (and without the server hashing it).</summary>
    public string ResumeToken { get; set; } = string.Empty;

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

    /// <summary>A copy for a reconnect: the nickname last held, the latest resume token, and whether to register still.</summary>
    internal ParleyConnectionOptions ForAttempt(string nick, string resumeToken, string password, bool register)
    {
        ParleyConnectionOptions copy = WithNick(nick);
        copy.ResumeToken = resumeToken;
        copy.Password = password;
        copy.Register = register;
        return copy;
    }

    /// <summary>The Hello these options make (with <paramref name="nick"/>): a guest's, a registration, or a login.</summary>
    internal Protocol.Messages.Hello ToHello(string nick)
    {
        var hello = new Protocol.Messages.Hello { ProtocolVersion = Protocol.ProtocolConstants.Version, ClientName = ClientName, Nick = nick };
        if (Account.Length == 0)
        {
            return hello;
        }

        hello.Account = Account;
        if (ResumeToken.Length > 0 && !Register)
        {
            hello.ResumeToken = ResumeToken;
            return hello;
        }

        hello.Password = Password;
        hello.Register = Register;
        hello.InviteCode = Register ? InviteCode : string.Empty;
        hello.WantResumeToken = WantResumeToken;
        return hello;
    }
}
