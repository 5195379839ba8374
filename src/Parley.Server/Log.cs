using Microsoft.Extensions.Logging;
using Parley.Protocol.Messages;

namespace Parley.Server;

/// <summary>The server's log events, with fixed ids and structured fields.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} from {Remote} accepted")]
    public static partial void Accepted(ILogger logger, string connectionId, string? remote);

    [LoggerMessage(2, LogLevel.Information, "Connection {ConnectionId} refused: {Code}")]
    public static partial void Refused(ILogger logger, string connectionId, ErrorCode code);

    [LoggerMessage(3, LogLevel.Information, "Connection {ConnectionId} ({User}) closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connectionId, string? user, QuitReason reason);

    [LoggerMessage(4, LogLevel.Information, "Connection {ConnectionId} broke the protocol ({Code}): {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string connectionId, ErrorCode code, string detail);

    [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId} reset: {Detail}")]
    public static partial void ConnectionReset(ILogger logger, string connectionId, string detail);

    [LoggerMessage(6, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Connection {ConnectionId} ({User}) evicted as a slow consumer: {Why} ({QueuedBytes} bytes queued)")]
    public static partial void SlowConsumer(ILogger logger, string connectionId, string? user, string why, long queuedBytes);

    [LoggerMessage(8, LogLevel.Information, "Connection {ConnectionId} ({User}) is lagging: {QueuedBytes} bytes queued")]
    public static partial void Lagging(ILogger logger, string connectionId, string? user, long queuedBytes);

    [LoggerMessage(9, LogLevel.Debug, "Connection {ConnectionId} ended with {Bytes} bytes of an incomplete frame")]
    public static partial void TruncatedFrame(ILogger logger, string connectionId, long bytes);

    [LoggerMessage(10, LogLevel.Information, "Connection {ConnectionId} is {User} (client {Client})")]
    public static partial void HandshakeDone(ILogger logger, string connectionId, string user, string client);

    [LoggerMessage(11, LogLevel.Information, "Shutting down: telling {Count} connections")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Information, "Listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(13, LogLevel.Error, "The store refused a batch of {Count} messages; their senders were told: {Detail}")]
    public static partial void StoreUnavailable(ILogger logger, int count, string detail);

    [LoggerMessage(14, LogLevel.Error, "Delivering a stored message failed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Unicode normalisation is unavailable (no ICU library): only ASCII nicknames and room names are accepted")]
    public static partial void NoUnicodeNormalization(ILogger logger);

    [LoggerMessage(16, LogLevel.Error, "Storing a batch of {Count} messages failed; their senders were told")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(17, LogLevel.Information, "Retention removed {Count} messages from {Room}")]
    public static partial void RetentionRemoved(ILogger logger, string room, int count);

    [LoggerMessage(18, LogLevel.Warning, "Retention could not be applied to {Room}; it is retried next pass: {Detail}")]
    public static partial void RetentionStoreUnavailable(ILogger logger, string room, string detail);

    [LoggerMessage(19, LogLevel.Error, "Applying retention to {Room} failed; it is retried next pass")]
    public static partial void RetentionFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(20, LogLevel.Debug, "Retention pass done: {Count} messages removed from {Rooms} rooms in {ElapsedMs} ms")]
    public static partial void RetentionPassDone(ILogger logger, int count, int rooms, long elapsedMs);

    // 40-49: flood control and limits (issue 4).
    [LoggerMessage(40, LogLevel.Debug, "Connection {ConnectionId} ({User}): {Request} refused, over its rate limit; retry in {RetryAfterMs} ms")]
    public static partial void RateLimited(ILogger logger, string connectionId, string user, Protocol.FrameType request, uint retryAfterMs);

    [LoggerMessage(41, LogLevel.Warning, "Connection {ConnectionId} ({User}) disconnected for flooding: {Refusals} requests refused within {WindowSeconds} s")]
    public static partial void FloodDisconnect(ILogger logger, string connectionId, string user, int refusals, double windowSeconds);

    [LoggerMessage(42, LogLevel.Warning, "Flood control: {What} is OFF ({Setting} is 0). The server accepts any amount of it; set a limit for a public server")]
    public static partial void LimitOff(ILogger logger, string what, string setting);

    [LoggerMessage(43, LogLevel.Information, "Flood control: connections from {Addresses} are exempt from the per-address connection limits")]
    public static partial void LimitExempt(ILogger logger, string addresses);

    [LoggerMessage(44, LogLevel.Information, "Connection {ConnectionId} ({User}): {Name} refused, too much like {Existing}")]
    public static partial void ConfusableName(ILogger logger, string connectionId, string user, string name, string existing);
}
