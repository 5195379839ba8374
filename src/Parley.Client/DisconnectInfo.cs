using Parley.Protocol.Messages;

namespace Parley.Client;

/// <summary>Why a connection ended.</summary>
/// <param name="Reason">The reason in the protocol's own words (<see cref="QuitReason.Left"/> when this side closed).</param>
/// <param name="Message">The server's or the user's words, or a local description; may be empty.</param>
/// <param name="Error">The error code when the server closed with an <c>Error</c> frame (request id 0).</param>
/// <param name="Local">This side closed the connection on purpose (<see cref="ParleyConnection.CloseAsync"/>).</param>
public sealed record DisconnectInfo(QuitReason Reason, string Message, ErrorCode Error = ErrorCode.Unspecified, bool Local = false)
{
    /// <summary>
    /// Reconnecting would meet the same answer: this side left on purpose, the server refused the
    /// protocol version or the name, its certificate was refused, or it banned this account or address.
    /// </summary>
    public bool IsFatal => Local || Trust is not null || Error is ErrorCode.UnsupportedVersion or ErrorCode.InvalidName or ErrorCode.Banned
        || Reason == QuitReason.Banned;

    /// <summary>Set when the server's certificate was refused (unknown, changed, not the one trusted): the whole explanation.</summary>
    public ServerTrustException? Trust { get; init; }

    internal static DisconnectInfo Untrusted(ServerTrustException refusal) => new(QuitReason.Unspecified, refusal.Summary) { Trust = refusal };

    internal static DisconnectInfo ClosedLocally(string? message) => new(QuitReason.Left, message ?? string.Empty, Local: true);

    internal static DisconnectInfo ConnectionLost(string message) => new(QuitReason.ConnectionLost, message);

    internal static DisconnectInfo FromGoodbye(Goodbye goodbye) => new(goodbye.Reason, goodbye.Message);

    internal static DisconnectInfo FromError(Error error) => new(ReasonFor(error.Code), error.Message, error.Code);

    /// <summary>The quit reason that best describes a connection-level error code.</summary>
    public static QuitReason ReasonFor(ErrorCode code) => code switch
    {
        ErrorCode.SlowConsumer => QuitReason.SlowConsumer,
        ErrorCode.IdleTimeout or ErrorCode.HandshakeTimeout => QuitReason.TimedOut,
        ErrorCode.ServerShuttingDown => QuitReason.ServerShuttingDown,
        ErrorCode.Banned => QuitReason.Banned,
        ErrorCode.FrameTooLarge or ErrorCode.MalformedFrame or ErrorCode.UnknownFrameType or ErrorCode.InvalidUtf8
            or ErrorCode.HandshakeRequired or ErrorCode.UnsupportedVersion => QuitReason.ProtocolError,
        _ => QuitReason.Unspecified,
    };

    public override string ToString() =>
        Error == ErrorCode.Unspecified ? $"{Reason}: {Message}" : $"{Reason} ({Error}): {Message}";
}
