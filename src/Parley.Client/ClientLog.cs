using Microsoft.Extensions.Logging;
using Parley.Protocol.Messages;

namespace Parley.Client;

internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Connected as {Nick} (connection {ConnectionId}, server {ServerName})")]
    public static partial void Connected(ILogger logger, string nick, string connectionId, string serverName);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connection {ConnectionId} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connectionId, DisconnectInfo reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Connection {ConnectionId}: the server broke the protocol")]
    public static partial void ProtocolViolation(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: transport closed while {Status}")]
    public static partial void TransportClosed(ILogger logger, string connectionId, string status, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Connection {ConnectionId}: unexpected failure while {Status}")]
    public static partial void UnexpectedFailure(ILogger logger, string connectionId, string status, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: reply {Type} to request {RequestId}, which is no longer waiting (timed out or cancelled)")]
    public static partial void LateReply(ILogger logger, string connectionId, Protocol.FrameType type, uint requestId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Connection {ConnectionId}: nothing heard from the server for {Silence}; closing")]
    public static partial void IdleTimeout(ILogger logger, string connectionId, TimeSpan silence);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Nickname {Nick} is in use; trying {Next}")]
    public static partial void NickInUse(ILogger logger, string nick, string next);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Connecting to {Endpoint} failed (attempt {Attempt})")]
    public static partial void ConnectFailed(ILogger logger, string endpoint, int attempt, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Reconnecting to {Endpoint} in {Delay} (attempt {Attempt})")]
    public static partial void Reconnecting(ILogger logger, string endpoint, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Rejoining {Room} failed: {Code}")]
    public static partial void RejoinFailed(ILogger logger, string room, ErrorCode code);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "Replaying the messages {Room} received while we were away failed: {Code}")]
    public static partial void ReplayFailed(ILogger logger, string room, ErrorCode code);

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Marking the session away again after the reconnect failed: {Code}")]
    public static partial void RestoreAwayFailed(ILogger logger, ErrorCode code);
}
