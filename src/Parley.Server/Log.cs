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

    // Moderation (issue 4): who did what to whom, in which room. Ids 50-59.
    [LoggerMessage(50, LogLevel.Information, "{Actor} kicked {Target} from {Room}: {Reason}")]
    public static partial void Kicked(ILogger logger, string actor, string target, string room, string reason);

    [LoggerMessage(51, LogLevel.Information, "{Actor} banned {Mask} from {Scope} (expires {Expires}, {Removed} removed): {Reason}")]
    public static partial void Banned(ILogger logger, string actor, string mask, string scope, string expires, int removed, string reason);

    [LoggerMessage(52, LogLevel.Information, "{Actor} lifted the ban of {Mask} from {Scope}")]
    public static partial void Unbanned(ILogger logger, string actor, string mask, string scope);

    [LoggerMessage(53, LogLevel.Information, "{Actor} {Action} {Target} ({Mask}) in {Room} (expires {Expires})")]
    public static partial void MuteChanged(ILogger logger, string actor, string action, string target, string mask, string room, string expires);

    [LoggerMessage(54, LogLevel.Information, "{Actor} made {Target} (account {Account}) {Role} of {Room}")]
    public static partial void RoleChanged(ILogger logger, string actor, string target, string account, MemberRole role, string room);

    [LoggerMessage(55, LogLevel.Information, "{Actor} set the modes of {Room}: invite-only {InviteOnly}, topic lock {TopicLocked}")]
    public static partial void RoomModesChanged(ILogger logger, string actor, string room, bool inviteOnly, bool topicLocked);

    [LoggerMessage(56, LogLevel.Information, "{Actor} invited {Target} to {Room}")]
    public static partial void InvitedToRoom(ILogger logger, string actor, string target, string room);

    [LoggerMessage(57, LogLevel.Information, "Connection {ConnectionId} ({User}, {Remote}) {Action} by the server ban of {Mask}")]
    public static partial void ServerBanEnforced(ILogger logger, string connectionId, string user, string? remote, string action, string mask);

    [LoggerMessage(58, LogLevel.Debug, "{Actor} was refused {Request} in {Room}: {Why}")]
    public static partial void ModerationRefused(ILogger logger, string actor, string request, string room, string why);

    [LoggerMessage(59, LogLevel.Warning, "A moderation change by {Actor} in {Scope} was not stored, so not made: {Detail}")]
    public static partial void ModerationNotStored(ILogger logger, string actor, string scope, string detail);
}
